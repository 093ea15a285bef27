using System.CommandLine;
using System.Diagnostics;
using Orchestrator.Client.Embedded;
using Orchestrator.Client.Sdk;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Grains.Hosting;
using Orchestrator.Training.Workloads;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>
/// <c>orchestrator bench scheduler</c>: the orchestrator's own cost, apart from training. An in-process silo (local store,
/// no worker slots) is worked by <see cref="NoopWorkers"/> through the real grain calls: Ray Tune's bookkeeping-overhead
/// test scaled down (sleep trials on 16 slots against the ideal floor), then no-op sweeps of growing size (dispatch
/// throughput and lease latency, submit, ls and results --top 20 latency, process RSS, stored bytes per finished trial).
/// </summary>
public static class BenchSchedulerCommand
{
    public static Command Create()
    {
        var sizes = new Option<string>("--sizes") { Description = "no-op sweep sizes, each dispatched to the end", DefaultValueFactory = _ => "1000,10000,100000" };
        var large = new Option<int>("--large") { Description = "a sweep this large is submitted, queried and cancelled, and --large-dispatch of it dispatched (0: skip)", DefaultValueFactory = _ => 1_000_000 };
        var largeDispatch = new Option<int>("--large-dispatch") { Description = "trials dispatched from the --large sweep", DefaultValueFactory = _ => 10_000 };
        var sleepTrials = new Option<int>("--sleep-trials") { Description = "trials of the overhead test (Ray's: 10,000)", DefaultValueFactory = _ => 2_000 };
        var sleep = new Option<double>("--sleep") { Description = "seconds each overhead-test trial sleeps (Ray's: 1)", DefaultValueFactory = _ => 0.5 };
        var slots = new Option<int>("--slots") { Description = "slots of the overhead test (Ray's: 16)", DefaultValueFactory = _ => 16 };
        var noopSlots = new Option<int>("--noop-slots") { Description = "slots working the no-op sweeps", DefaultValueFactory = _ => 4 };
        var batch = new Option<int>("--batch") { Description = "items a no-op slot leases (and reports) per call", DefaultValueFactory = _ => 16 };
        var hostTrials = new Option<int>("--host-trials") { Description = "trials of the overhead test through real worker slots and trial hosts (0: skip)", DefaultValueFactory = _ => 200 };
        var hostSleep = new Option<double>("--host-sleep") { Description = "seconds each trial-host trial sleeps", DefaultValueFactory = _ => 0.5 };
        var hostSlots = new Option<int>("--host-slots") { Description = "worker slots (trial-host processes) of that test", DefaultValueFactory = _ => 2 };
        var command = new Command("scheduler", "Measure the orchestrator's own per-trial cost with no-op and sleep workers.")
            { sizes, large, largeDispatch, sleepTrials, sleep, slots, noopSlots, batch, hostTrials, hostSleep, hostSlots };
        command.SetAction((parse, cancellation) => ConsoleErrors.RunAsync(async () =>
        {
            var root = Directory.CreateTempSubdirectory("orchestrator-bench-scheduler-").FullName;
            try
            {
                // First through real worker slots and trial hosts (a silo of its own), then the in-process no-op workers.
                if (parse.GetValue(hostTrials) > 0)
                    await BenchSchedulerHostPath.RunAsync(root, parse.GetValue(hostTrials), parse.GetValue(hostSleep), parse.GetValue(hostSlots), cancellation);
                var options = new OrchestratorOptions
                {
                    SiloName = "bench", CpuSlots = 0, CudaSlots = 0, LocalPath = Path.Combine(root, "store"), WorkPath = Path.Combine(root, "work"),
                };
                await using var cluster = await EmbeddedCluster.StartAsync(options, cancellation);
                var client = (OrchestratorClient)cluster.Client;
                using var profile = new SweepTurnProfile();
                AnsiConsole.MarkupLineInterpolated($"one in-process silo, local store, no-op workers through the grain calls; {BenchLoad.Describe()}");
                if (parse.GetValue(sleepTrials) > 0)
                    await OverheadAsync(client, parse.GetValue(sleepTrials), TimeSpan.FromSeconds(parse.GetValue(sleep)), parse.GetValue(slots), cancellation);

                foreach (var size in parse.GetValue(sizes)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse))
                    await NoopSweepAsync(client, profile, options.LocalPath, size, size, parse.GetValue(noopSlots), parse.GetValue(batch), cancellation);
                if (parse.GetValue(large) > 0)
                    await NoopSweepAsync(client, profile, options.LocalPath, parse.GetValue(large), parse.GetValue(largeDispatch), parse.GetValue(noopSlots), parse.GetValue(batch), cancellation);
                return 0;
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }));
        return command;
    }

    /// <summary>Ray Tune's release test, scaled: every trial sleeps a fixed time on a fixed number of slots.</summary>
    private static async Task OverheadAsync(OrchestratorClient client, int trials, TimeSpan sleep, int slots, CancellationToken cancellation)
    {
        await client.SubmitAsync(Spec("overhead", trials), cancellation);
        var run = await NoopWorkers.RunAsync(client.Cluster, slots, trials, sleep, cancellation);
        var floor = trials * sleep.TotalSeconds / slots;
        AnsiConsole.MarkupLineInterpolated(
            $"overhead test: {run.Completed:N0} trials × {sleep.TotalSeconds:G3} s sleep on {slots} slots: {run.Elapsed.TotalSeconds:F1} s against a floor of {floor:F1} s = [bold]{(run.Elapsed.TotalSeconds / floor - 1) * 100:+0.0;-0.0} %[/] (Ray Tune: +14 %)");
    }

    private static async Task NoopSweepAsync(OrchestratorClient client, SweepTurnProfile profile, string store, int size, int dispatch, int slots, int batch,
        CancellationToken cancellation)
    {
        var name = $"noop-{size}";
        var submit = await TimeAsync(() => client.SubmitAsync(Spec(name, size), cancellation));
        var rssPending = Rss();
        var cpu = CpuTime();
        profile.Reset();
        var run = await NoopWorkers.RunAsync(client.Cluster, slots, dispatch, TimeSpan.Zero, cancellation, batch);
        // CPU time per trial (silo and workers in this process) does not depend on how loaded the machine is.
        var cpuPerTrial = (CpuTime() - cpu).TotalMilliseconds / Math.Max(1, run.Completed);
        var ls = await TimeAsync(() => client.ListAsync(cancellation));
        var top = await TimeAsync(() => client.GetResultsPageAsync(name, new ResultsQuery(20), cancellation));
        var bytes = StoredBytes(store, name);
        var cancel = dispatch < size ? await TimeAsync(() => client.CancelAsync(name, cancellation)) : (TimeSpan.Zero, null!);
        var latencies = run.LeaseMilliseconds.Order().ToList();
        AnsiConsole.MarkupLineInterpolated(
            $"{size,9:N0} trials: submit {submit.Elapsed.TotalMilliseconds:F0} ms, RSS {rssPending / 1e6:F0} MB with all pending; dispatched {run.Completed:N0} in {run.Elapsed.TotalSeconds:F1} s = [bold]{run.Completed / run.Elapsed.TotalSeconds:N0} trials/s[/] ({cpuPerTrial:F2} CPU ms per trial = {1000 / cpuPerTrial:N0} trials/s per busy core), lease call ({batch} items) p50 {Percentile(latencies, 0.5):F2} ms p99 {Percentile(latencies, 0.99):F2} ms; ls {ls.Elapsed.TotalMilliseconds:F0} ms, results --top 20 {top.Elapsed.TotalMilliseconds:F0} ms{(dispatch < size ? $", cancel {cancel.Elapsed.TotalMilliseconds:F0} ms" : "")}; {bytes / Math.Max(1, run.Completed):N0} stored bytes per finished trial; RSS {Rss() / 1e6:F0} MB");
        AnsiConsole.MarkupLineInterpolated($"           {profile.Describe(run.Completed, run.Elapsed)}");
    }

    /// <summary>A grid of exactly <paramref name="trials"/> trials: one searched value per trial, one seed.</summary>
    private static SweepSpec Spec(string name, int trials) => SweepSpecParser.Parse($$"""
        name: {{name}}
        workload: fff-sbi
        fixed: { task: two_moons }
        search:
          budget: { int: [1000, {{1000 + trials - 1}}] }
        evaluation: { observations: [1] }
        """, BuiltInWorkloads.Registry, $"{name}.yaml");

    /// <summary>Grain states of the sweep's trials plus its objects in the result store (ledger, spec).</summary>
    private static long StoredBytes(string store, string sweep)
    {
        var grains = new DirectoryInfo(Path.Combine(store, "grains")).EnumerateFiles($"trial-*{sweep.Replace("-", "~2D")}~2F*").Sum(f => f.Length);
        var results = new DirectoryInfo(Path.Combine(store, "results", "sweeps", sweep));
        return grains + (results.Exists ? results.EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0);
    }

    private static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static long Rss()
    {
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static double Percentile(IReadOnlyList<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, q * sorted.Count)];

    private static async Task<(TimeSpan Elapsed, T Result)> TimeAsync<T>(Func<Task<T>> call)
    {
        var clock = Stopwatch.StartNew();
        var result = await call();
        return (clock.Elapsed, result);
    }
}
