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

    /// <summary>Runs <paramref name="slots"/> slots until <paramref name="trials"/> items completed or no work is left.</summary>
    public static async Task<Run> RunAsync(IGrainFactory grains, int slots, int trials, TimeSpan sleep, CancellationToken cancellation = default)
    {
        var scheduler = grains.GetGrain<ISchedulerGrain>(SchedulerKey.Default);
        var completed = 0;
        var latencies = new List<double>[slots];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, slots).Select(async slot =>
        {
            var mine = latencies[slot] = [];
            while (Interlocked.Increment(ref completed) <= trials)
            {
                var started = Stopwatch.GetTimestamp();
                var item = await scheduler.LeaseAsync($"noop/cpu{slot}", "cpu").WaitAsync(cancellation);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (item is null)
                {
                    Interlocked.Decrement(ref completed);
                    return;
                }
                if (sleep > TimeSpan.Zero)
                    await Task.Delay(sleep, cancellation);
                await grains.GetGrain<ISweepGrain>(item.Sweep).CompleteAsync(item.LeaseId,
                    new WorkOutcome([.. item.Observations.Select(o => new ObservationScore(o, C2stOf(item.Trial.ConfigHash)))],
                        new Dictionary<string, double> { ["valNll"] = -1 }, sleep.TotalSeconds));
            }
            Interlocked.Decrement(ref completed);
        }));
        return new Run(Math.Min(completed, trials), [.. latencies.SelectMany(l => l)], clock.Elapsed);
    }
}
