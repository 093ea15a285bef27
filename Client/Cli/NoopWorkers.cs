using System.Diagnostics;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;

namespace Orchestrator.Client.Cli;

/// <summary>
/// Workers that run nothing: each slot leases from the scheduler grain, optionally sleeps (the stand-in for a trial of
/// fixed length), and reports a result at once, so a benchmark or test measures only the orchestrator's own cost
/// (dispatch, trial states, ledger). The result's C2ST is a fixed function of the config hash, so rankings are checkable.
/// </summary>
public static class NoopWorkers
{
    /// <summary>What the slots did: trials completed and each lease call's latency in milliseconds.</summary>
    public sealed record Run(int Completed, IReadOnlyList<double> LeaseMilliseconds, TimeSpan Elapsed);

    /// <summary>The C2ST a no-op worker reports for a trial: in [0.5, 1), from its config hash.</summary>
    public static double C2stOf(string configHash) => 0.5 + Convert.ToUInt64(configHash, 16) % 500_000 / 1_000_000.0;

    /// <summary>
    /// Runs <paramref name="slots"/> slots until <paramref name="trials"/> items completed or no work is left; each slot
    /// leases up to <paramref name="batch"/> items per call and reports them in one call.
    /// </summary>
    public static async Task<Run> RunAsync(IGrainFactory grains, int slots, int trials, TimeSpan sleep, CancellationToken cancellation = default,
        int batch = 1)
    {
        var scheduler = grains.GetGrain<ISchedulerGrain>(SchedulerKey.Default);
        var reserved = 0;
        var completed = 0;
        var latencies = new List<double>[slots];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, slots).Select(async slot =>
        {
            var mine = latencies[slot] = [];
            while (true)
            {
                var want = Math.Min(batch, trials - Interlocked.Add(ref reserved, batch) + batch);
                if (want <= 0)
                    return;
                var started = Stopwatch.GetTimestamp();
                var items = await scheduler.LeaseBatchAsync($"noop/cpu{slot}", "cpu", want).WaitAsync(cancellation);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (items.Count == 0)
                    return;
                if (sleep > TimeSpan.Zero)
                    await Task.Delay(sleep, cancellation);
                foreach (var sweep in items.GroupBy(i => i.Sweep))
                {
                    await grains.GetGrain<ISweepGrain>(sweep.Key).CompleteBatchAsync([.. sweep.Select(item => new LeaseOutcome(item.LeaseId,
                        new WorkOutcome([.. item.Observations.Select(o => new ObservationScore(o, C2stOf(item.Trial.ConfigHash)))],
                        new Dictionary<string, double> { ["valNll"] = -1 }, sleep.TotalSeconds)))]);
                }
                Interlocked.Add(ref completed, items.Count);
            }
        }));
        return new Run(completed, [.. latencies.SelectMany(l => l)], clock.Elapsed);
    }
}
