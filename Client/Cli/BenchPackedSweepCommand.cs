using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Orchestrator.Client.Embedded;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Grains.Hosting;
using Orchestrator.Training.Workloads;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>
/// <c>orchestrator bench packed-sweep</c>: the end-to-end gain of trial packing through the orchestrator. The same β × seed
/// sweep of real fff-sbi trials runs twice on an in-process silo (local store, real trial hosts): unpacked, then with
/// <c>resources.pack</c>; trials/hour both ways (per wall hour and per CPU hour of the silo and its trial hosts), their
/// ratio, and how far the packed trials' results are from the unpacked ones.
/// </summary>
public static class BenchPackedSweepCommand
{
    private const int Seeds = 4;

    public static Command Create()
    {
        var trials = new Option<int>("--trials") { Description = $"trials: β values × {Seeds} seeds (a multiple of {Seeds})", DefaultValueFactory = _ => 64 };
        var pack = new Option<string>("--pack") { Description = "resources.pack of the packed run: auto or N", DefaultValueFactory = _ => "auto" };
        var slots = new Option<int>("--slots") { Description = "worker slots (1 thread each)", DefaultValueFactory = _ => 2 };
        var budget = new Option<int>("--budget") { Description = "simulations per trial", DefaultValueFactory = _ => 1000 };
        var epochs = new Option<int>("--epochs") { Description = "epochs per trial", DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch-size") { Description = "batch size", DefaultValueFactory = _ => 32 };
        var architecture = new Option<string>("--architecture") { Description = "network (a shape parameter: all trials share it)", DefaultValueFactory = _ => "reference" };
        var command = new Command("packed-sweep", "Trials/hour of a β × seed sweep of real trials through the orchestrator, unpacked vs resources.pack.")
            { trials, pack, slots, budget, epochs, batch, architecture };
        command.SetAction((parse, cancellation) => ConsoleErrors.RunAsync(async () =>
        {
            var count = parse.GetValue(trials);
            if (count < Seeds || count % Seeds != 0)
                throw new ArgumentException($"--trials must be a positive multiple of {Seeds} (β values × {Seeds} seeds).");
            var fixedPart = string.Create(CultureInfo.InvariantCulture,
                $"{{ task: two_moons, budget: {parse.GetValue(budget)}, epochs: {parse.GetValue(epochs)}, batchSize: {parse.GetValue(batch)}, architecture: {parse.GetValue(architecture)}, posteriorSamples: 1000 }}");
            var betas = Enumerable.Range(0, count / Seeds).Select(i => Math.Round(Math.Pow(500, i / Math.Max(1.0, count / Seeds - 1)), 3));
            string Spec(string name, string packing) => $$"""
                name: {{name}}
                workload: fff-sbi
                fixed: {{fixedPart}}
                search: { beta: [{{string.Join(", ", betas.Select(b => b.ToString(CultureInfo.InvariantCulture)))}}] }
                seeds: [{{string.Join(", ", Enumerable.Range(1, Seeds))}}]
                evaluation: { observations: [1] }
                resources: { pack: {{packing}} }
                """;
            Console.WriteLine($"{count} trials ({count / Seeds} β × {Seeds} seeds), two_moons, {fixedPart}, {parse.GetValue(slots)} slots of 1 thread; before: {BenchLoad.Describe()}");
            var alone = await RunAsync(SweepSpecParser.Parse(Spec("bench-unpacked", "off"), BuiltInWorkloads.Registry), parse.GetValue(slots), cancellation);
            var packed = await RunAsync(SweepSpecParser.Parse(Spec("bench-packed", parse.GetValue(pack)!), BuiltInWorkloads.Registry), parse.GetValue(slots), cancellation);
            Print(alone, packed, parse.GetValue(pack)!);
            Console.WriteLine($"after: {BenchLoad.Describe()}");
            return alone.Results.Status.Failed + packed.Results.Status.Failed > 0 ? 3 : 0;
        }));
        return command;
    }

    private sealed record Run(SweepResults Results, double WallSeconds, double CpuSeconds);

    // One sweep on a fresh in-process silo from submit to its end; CPU is this process's plus its reaped trial hosts'.
    private static async Task<Run> RunAsync(SweepSpec spec, int slots, CancellationToken cancellation)
    {
        var root = Directory.CreateTempSubdirectory("orchestrator-bench-packed-sweep-").FullName;
        try
        {
            var cpu = CpuSeconds();
            var options = new OrchestratorOptions
            {
                SiloName = "bench", CpuSlots = slots, CudaSlots = 0, ThreadsPerTrial = 1,
                LocalPath = Path.Combine(root, "store"), WorkPath = Path.Combine(root, "work"),
            };
            SweepResults results;
            var clock = Stopwatch.StartNew();
            double wall;
            await using (var cluster = await EmbeddedCluster.StartAsync(options, cancellation))
            {
                clock.Restart(); // the silo's start is not the sweep's
                await cluster.Client.SubmitAsync(spec, cancellation);
                await foreach (var _ in cluster.Client.WatchAsync(spec.Name, cancellation))
                {
                }
                wall = clock.Elapsed.TotalSeconds;
                results = await cluster.Client.GetResultsAsync(spec.Name, cancellation);
            } // the trial hosts exit here, so their CPU time is counted below
            var run = new Run(results, wall, CpuSeconds() - cpu);
            Console.WriteLine($"{spec.Name}: {results.Status.Completed}/{results.Status.Total} completed in {wall:F1} s wall, {run.CpuSeconds:F1} s CPU");
            return run;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Print(Run alone, Run packed, string pack)
    {
        var table = new Table().Title("End to end through the orchestrator: trials/hour unpacked vs packed");
        foreach (var column in new[] { "sweep", "completed", "wall s", "trials/hour", "CPU s", "trials/CPU hour" })
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var (name, run) in new[] { ("unpacked", alone), ($"pack: {pack}", packed) })
        {
            var completed = run.Results.Status.Completed;
            table.AddRow(name, completed.ToString(CultureInfo.InvariantCulture), run.WallSeconds.ToString("F1", CultureInfo.InvariantCulture),
                (completed / run.WallSeconds * 3600).ToString("F0", CultureInfo.InvariantCulture), run.CpuSeconds.ToString("F1", CultureInfo.InvariantCulture),
                (completed / run.CpuSeconds * 3600).ToString("F0", CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);
        double Rate(Run run, double seconds) => run.Results.Status.Completed / seconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"speed-up: {Rate(packed, packed.WallSeconds) / Rate(alone, alone.WallSeconds):F2}× trials/hour wall, {Rate(packed, packed.CpuSeconds) / Rate(alone, alone.CpuSeconds):F2}× per CPU hour"));
        // Packing must not change results: each trial's final validation NLL packed vs unpacked.
        var worst = packed.Results.Trials.Join(alone.Results.Trials, t => t.ConfigHash, t => t.ConfigHash,
                (p, a) => Math.Abs(p.Metric("valNll") - a.Metric("valNll")) / Math.Max(1, Math.Abs(a.Metric("valNll"))))
            .DefaultIfEmpty(double.NaN).Max();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"largest relative difference of a trial's validation NLL, packed vs unpacked: {worst:E1}"));
    }

    // This process's CPU time plus that of its exited (reaped) children, from /proc (Linux); own time only elsewhere.
    private static double CpuSeconds()
    {
        var own = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        const string stat = "/proc/self/stat";
        if (!File.Exists(stat))
            return own;
        // Fields after the ")" that ends the command name: cutime and cstime are the 14th and 15th (clock ticks, 100 Hz).
        var fields = File.ReadAllText(stat).Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return own + (long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)) / 100.0;
    }
}
