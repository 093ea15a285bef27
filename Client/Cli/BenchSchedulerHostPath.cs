using System.Diagnostics;
using Orchestrator.Client.Embedded;
using Orchestrator.Client.Sdk;
using Orchestrator.Contracts.Specs;
using Orchestrator.Grains.Hosting;
using Orchestrator.Training.Workloads;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>
/// The overhead test of <c>bench scheduler</c> through the real path: an in-process silo with real worker slots, each
/// running its trials in its trial-host child process (started once per slot, included), on the hidden no-op workload
/// that sleeps a fixed time. What is measured beside the floor is everything a trial costs the orchestrator: lease,
/// trial state and ledger, the request to the host and its events, the result upload, the log, the report.
/// </summary>
internal static class BenchSchedulerHostPath
{
    public static async Task RunAsync(string root, int trials, double sleep, int slots, CancellationToken cancellation)
    {
        var options = new OrchestratorOptions
        {
            SiloName = "bench-host", CpuSlots = slots, CudaSlots = 0, LocalPath = Path.Combine(root, "host-store"), WorkPath = Path.Combine(root, "host-work"),
        };
        var clock = Stopwatch.StartNew();
        await using var cluster = await EmbeddedCluster.StartAsync(options, cancellation, BuiltInWorkloads.WithHidden);
        var client = cluster.Client;
        var started = clock.Elapsed;
        clock.Restart();
        await client.SubmitAsync(Spec("host-overhead", trials, sleep), cancellation);
        TimeSpan? first = null;
        while (true)
        {
            var status = await client.GetStatusAsync("host-overhead", cancellation);
            if (first is null && status.Completed + status.Failed > 0)
                first = clock.Elapsed;
            if (status.IsFinished)
            {
                var elapsed = clock.Elapsed.TotalSeconds;
                var floor = trials * sleep / slots;
                var perTrial = (elapsed - floor) / Math.Ceiling((double)trials / slots) * 1000;
                var stored = FolderBytes(Path.Combine(options.LocalPath, "results", "sweeps", "host-overhead")) + FolderBytes(Path.Combine(options.LocalPath, "grains"));
                AnsiConsole.MarkupLineInterpolated(
                    $"through the trial host: {status.Completed:N0} of {trials:N0} trials × {sleep:G3} s sleep on {slots} slots: {elapsed:F1} s against a floor of {floor:F1} s = [bold]{(elapsed / floor - 1) * 100:+0.0;-0.0} %[/], {perTrial:F0} ms per trial on a slot; first result {first?.TotalSeconds:F2} s after submit (trial-host start included; silo start {started.TotalSeconds:F1} s); {stored / Math.Max(1, status.Completed):N0} stored bytes per finished trial, {FolderBytes(options.WorkPath):N0} bytes left in the worker folders");
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellation);
        }
    }

    private static long FolderBytes(string folder) =>
        Directory.Exists(folder) ? new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;

    /// <summary>A grid of exactly <paramref name="trials"/> no-op trials, each sleeping <paramref name="sleep"/> seconds.</summary>
    private static SweepSpec Spec(string name, int trials, double sleep) => SweepSpecParser.Parse($$"""
        name: {{name}}
        workload: noop
        fixed: { sleep: {{sleep.ToString(System.Globalization.CultureInfo.InvariantCulture)}} }
        search:
          n: { int: [0, {{trials - 1}}] }
        evaluation: { observations: [1] }
        """, BuiltInWorkloads.WithHidden, $"{name}.yaml");
}
