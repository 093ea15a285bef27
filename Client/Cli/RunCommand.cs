using System.CommandLine;
using Orchestrator.Client.Embedded;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Specs;
using Orchestrator.Grains.Hosting;
using Orchestrator.Training.Workloads;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>
/// <c>orchestrator run spec.yaml</c>: runs a sweep to the end on an in-process silo with live progress, then prints the
/// results. Re-running the same spec continues it: completed trials are not rerun.
/// </summary>
public static class RunCommand
{
    public static Command Create()
    {
        var defaults = new OrchestratorOptions();
        var spec = new Argument<string>("spec") { Description = "sweep spec file (.yaml, .yml or .json)" };
        var store = new Option<string>("--store") { Description = "folder of the local store (grain state, results, checkpoints)", DefaultValueFactory = _ => defaults.LocalPath };
        var slots = new Option<int>("--slots") { Description = "trials run at once (worker slots)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var threads = new Option<int>("--threads") { Description = "intra-op threads per trial", DefaultValueFactory = _ => 1 };
        var retryFailed = new Option<bool>("--retry-failed") { Description = "run the failed trials of an earlier run again, from their checkpoints" };
        var command = new Command("run", "Run a sweep to the end on an in-process silo (no setup needed) and print its results.")
        {
            spec, store, slots, threads, retryFailed,
        };
        command.SetAction((parse, cancellation) => ConsoleErrors.RunAsync(async () =>
        {
            var parsed = SweepSpecParser.ParseFile(parse.GetValue(spec)!, BuiltInWorkloads.Registry);
            if (parse.GetValue(slots) < 1)
                throw new ArgumentException("--slots must be ≥ 1.");
            SweepDataCheck.Require(parsed);
            var options = new OrchestratorOptions
            {
                SiloName = "local",
                LocalPath = parse.GetValue(store)!,
                CpuSlots = parse.GetValue(slots),
                CudaSlots = 0,
                ThreadsPerTrial = parse.GetValue(threads),
                WorkPath = Path.Combine(Path.GetFullPath(parse.GetValue(store)!), "work"),
            };
            AnsiConsole.MarkupLineInterpolated($"Starting an in-process silo with {Counted.Of(options.CpuSlots, "worker slot")}; store: {Path.GetFullPath(options.LocalPath)}");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await using var cluster = await EmbeddedCluster.StartAsync(options, cancellation);
            var status = await cluster.Client.SubmitAsync(parsed, cancellation);
            if (parse.GetValue(retryFailed) && status.Failed > 0)
                status = await cluster.Client.ResumeAsync(status.Name, retryFailed: true, cancellation);
            AnsiConsole.MarkupLineInterpolated($"Sweep [bold]{status.Name}[/]: {Counted.Of(status.Total, "trial")}, {status.Completed} already completed{(status.Failed > 0 ? $", {status.Failed} failed before (--retry-failed runs them again)" : "")}.");
            await SweepProgressView.FollowAsync(cluster.Client, status.Name, cancellation);
            var results = await cluster.Client.GetResultsAsync(status.Name);
            ResultsView.Print(results, perTrial: true);
            var report = await Reports.ReportWriter.WriteAsync(cluster.Client, status.Name, Path.Combine(Path.GetFullPath(options.LocalPath), "reports"));
            AnsiConsole.MarkupLineInterpolated($"Report: {report}");
            AnsiConsole.MarkupLineInterpolated($"Finished in {clock.Elapsed.TotalMinutes:F1} min. Results: {Path.Combine(Path.GetFullPath(options.LocalPath), "results")}");
            return results.Status.Failed > 0 ? 3 : 0;
        }));
        return command;
    }
}
