using System.CommandLine;
using Orchestrator.Training.Benchmarks;
using Orchestrator.Training.Networks;
using Orchestrator.Training.Optimization;
using Spectre.Console;
using static TorchSharp.torch;

namespace Orchestrator.Client.Cli;

/// <summary>
/// <c>orchestrator bench packing</c>: model-steps/s of K reference SBI flows trained as one pack against K sequential
/// standalone trials (the standalone step measured in the same run), on CPU and on CUDA when present.
/// </summary>
public static class BenchPackingCommand
{
    public static Command Create()
    {
        var members = ListParsing.ListOption("--members", "pack sizes K", new[] { 1, 8, 32, 64, 128, 256 });
        var architecture = new Option<string>("--architecture") { Description = $"network: {string.Join(", ", Architectures.Names)}", DefaultValueFactory = _ => Architectures.Reference };
        var batch = new Option<int>("--batch-size") { Description = "batch size of every member", DefaultValueFactory = _ => 128 };
        var threads = new Option<int>("--threads") { Description = "intra-op threads (CPU)", DefaultValueFactory = _ => 2 };
        var steps = new Option<int>("--steps") { Description = "timed standalone steps; a pack of K times max(2, steps / K) steps (each after as many warm-up steps)", DefaultValueFactory = _ => 16 };
        var devices = ListParsing.ListOption("--devices", "devices (cuda is skipped when there is none)", new[] { "cpu", "cuda" });
        var profile = new Option<bool>("--profile") { Description = "also print each pack's CPU ms per member and step by phase (this thread's clock: use --threads 1)" };
        var command = new Command("packing", "Model-steps/s of K flows trained as one pack vs K sequential standalone trials (reference SBI net, batch 128 by default).")
        {
            members, architecture, batch, threads, steps, devices, profile,
        };
        command.SetAction(parse => ConsoleErrors.Run(() =>
        {
            set_num_threads(parse.GetValue(threads));
            foreach (var name in parse.GetList(devices))
            {
                if (name.StartsWith("cuda", StringComparison.Ordinal) && !cuda.is_available())
                {
                    Console.WriteLine($"{name}: no CUDA device, skipped.");
                    continue;
                }
                Run(new Device(name), parse.GetList(members), parse.GetValue(architecture)!, parse.GetValue(batch), parse.GetValue(steps), parse.GetValue(threads), parse.GetValue(profile));
            }
            return 0;
        }));
        return command;
    }

    private static void Run(Device device, int[] members, string architecture, int batch, int steps, int threads, bool profile)
    {
        if (!Architectures.Names.Contains(architecture))
            throw new ArgumentException($"Architecture '{architecture}' is not known: expected one of {string.Join(", ", Architectures.Names)}.");
        Console.WriteLine($"{device.type}: {architecture} net (D = 2, C = 2), batch {batch}, {threads} thread(s); before: {BenchLoad.Describe()}");
        var standalone = StepBenchmark.OurStep(batch, steps, device, architecture);
        Console.WriteLine($"standalone step {standalone.WallSeconds * 1e3:F1} ms wall, {standalone.CpuSeconds * 1e3:F1} ms CPU");
        var table = new Table().Title($"Packing on {device.type}: model-steps/s of K flows as one pack vs K sequential standalone trials, per wall second and per CPU second");
        foreach (var column in new[] { "K", "packed step ms", "packed /s", "sequential /s", "speed-up", "packed /CPU s", "sequential /CPU s", "speed-up CPU" })
            table.AddColumn(new TableColumn(column).RightAligned());
        var phases = new Table().Title($"CPU ms per member and step by phase ({threads} thread(s); this thread's clock)");
        foreach (var column in new[] { "K" }.Concat(Enum.GetNames<StepPhase>()).Append("total"))
            phases.AddColumn(new TableColumn(column).RightAligned());
        foreach (var k in members)
        {
            var perPhase = profile ? new Dictionary<StepPhase, double>() : null;
            var packed = PackingBenchmark.PackedStep(k, architecture, batch, Math.Max(2, steps / k), device, phases: perPhase);
            if (perPhase is not null)
            {
                phases.AddRow([k.ToString(), .. Enum.GetValues<StepPhase>().Select(p => ((perPhase.TryGetValue(p, out var s) ? s : 0) * 1e3 / k).ToString("F2")),
                    (perPhase.Values.Sum() * 1e3 / k).ToString("F2")]);
            }
            Console.WriteLine($"K = {k}: packed step {packed.WallSeconds * 1e3:F1} ms wall, {packed.CpuSeconds * 1e3:F1} ms CPU");
            table.AddRow(k.ToString(), (packed.WallSeconds * 1e3).ToString("F1"),
                (k / packed.WallSeconds).ToString("F1"), (1 / standalone.WallSeconds).ToString("F1"), $"{k / packed.WallSeconds * standalone.WallSeconds:F2}×",
                (k / packed.CpuSeconds).ToString("F1"), (1 / standalone.CpuSeconds).ToString("F1"), $"{k / packed.CpuSeconds * standalone.CpuSeconds:F2}×");
        }
        AnsiConsole.Write(table);
        if (profile)
            AnsiConsole.Write(phases);
        Console.WriteLine($"after: {BenchLoad.Describe()}");
    }
}
