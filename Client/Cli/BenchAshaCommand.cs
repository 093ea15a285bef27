using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Orchestrator.Client.Embedded;
using Orchestrator.Client.Sdk;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Hosting;
using Orchestrator.Training.Workloads;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>
/// <c>orchestrator bench asha</c>: an early-stopping spec run as written and again as the full grid (the same trials,
/// scheduler fifo) on one in-process silo: epochs trained (the cost), trials stopped, wall time and the best objective
/// each found.
/// </summary>
public static class BenchAshaCommand
{
    public static Command Create()
    {
        var spec = new Option<string>("--spec") { Description = "spec with a scheduler (run as is, then without it)", DefaultValueFactory = _ => "examples/fff-sbi-asha-quick.yaml" };
        var store = new Option<string>("--store") { Description = "folder of the local store (both sweeps stay there)", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "orchestrator-bench-asha") };
        var slots = new Option<int>("--slots") { Description = "trials run at once (worker slots)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("asha", "Cost (epochs trained) and best objective of an early-stopping spec against the same grid run to the end.")
        {
            spec, store, slots,
        };
        command.SetAction((parse, cancellation) => ConsoleErrors.RunAsync(async () =>
        {
            var stopping = SweepSpecParser.ParseFile(parse.GetValue(spec)!, BuiltInWorkloads.Registry);
            if (stopping.Scheduler is not { Kind: not SchedulerKind.Fifo })
                throw new ArgumentException($"{parse.GetValue(spec)} has no early-stopping scheduler to compare against the full grid.");
            SweepDataCheck.Require(stopping);
            var options = new OrchestratorOptions
            {
                SiloName = "bench", LocalPath = parse.GetValue(store)!, CpuSlots = Math.Max(1, parse.GetValue(slots)), CudaSlots = 0,
                WorkPath = Path.Combine(Path.GetFullPath(parse.GetValue(store)!), "work"),
            };
            Console.WriteLine($"{stopping.Name}: {Counted.Of(options.CpuSlots, "worker slot")}; before: {BenchLoad.Describe()}");
            await using var cluster = await EmbeddedCluster.StartAsync(options, cancellation);
            var table = new Table().Title($"{stopping.Name}: early stopping against the full grid (the same trials run to the end)");
            foreach (var column in new[] { "run", "trials", "completed", "stopped", "epochs trained", "wall min", "best objective", "best configuration" })
                table.AddColumn(new TableColumn(column));
            var full = stopping with { Name = stopping.Name + "-full", Scheduler = null };
            var rows = new List<Row>();
            foreach (var (label, run) in new[] { (stopping.Scheduler.Kind.ToString().ToLowerInvariant(), stopping), ("full grid", full) })
            {
                var row = await RunAsync(cluster.Client, run, cancellation);
                rows.Add(row);
                Console.WriteLine($"{label}: {row.Epochs} epochs, {row.Wall.TotalMinutes:F1} min, best {row.Best:F4}");
                table.AddRow(label, row.Trials.ToString(CultureInfo.InvariantCulture), row.Completed.ToString(CultureInfo.InvariantCulture),
                    row.Stopped.ToString(CultureInfo.InvariantCulture), row.Epochs.ToString(CultureInfo.InvariantCulture),
                    row.Wall.TotalMinutes.ToString("F1", CultureInfo.InvariantCulture), row.Best.ToString("F4", CultureInfo.InvariantCulture), Markup.Escape(row.BestConfiguration));
            }
            AnsiConsole.Write(table);
            Console.WriteLine($"cost: {(double)rows[0].Epochs / rows[1].Epochs:P0} of the full grid's epochs; best objective {rows[0].Best:F4} vs {rows[1].Best:F4}; after: {BenchLoad.Describe()}");
            return 0;
        }));
        return command;
    }

    private static async Task<Row> RunAsync(IOrchestratorClient client, SweepSpec spec, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        await client.SubmitAsync(spec, cancellation);
        await foreach (var _ in client.WatchAsync(spec.Name, cancellation))
        {
        }
        var wall = clock.Elapsed;
        var results = await client.GetResultsAsync(spec.Name, cancellation);
        // Epochs trained: every stored epoch line of every attempt (a stopped trial stores only the epochs it ran).
        var epochs = 0;
        foreach (var trial in results.Trials)
            epochs += (await client.GetTrialMetricsAsync(spec.Name, trial.ConfigHash, cancellation)).Count;
        var best = results.Trials.Where(t => t.Status == TrialStatus.Completed && double.IsFinite(t.Objective))
            .OrderBy(t => results.Objective.Minimize ? t.Objective : -t.Objective).FirstOrDefault();
        return new Row(results.Trials.Count, results.Status.Completed, results.Status.Stopped, epochs, wall, best?.Objective ?? double.NaN,
            best is null ? "" : string.Join(' ', results.Searched.Select(p => $"{p}={best.Parameters[p]}")));
    }

    private sealed record Row(int Trials, int Completed, int Stopped, int Epochs, TimeSpan Wall, double Best, string BestConfiguration);
}
