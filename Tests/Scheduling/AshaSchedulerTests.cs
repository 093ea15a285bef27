using Orchestrator.Contracts.Scheduling;
using Orchestrator.Contracts.Specs;
using Orchestrator.Workloads;

namespace Orchestrator.Tests.Scheduling;

/// <summary>
/// ASHA on a deterministic synthetic workload run by two workers, against a promotion sequence computed by hand; the
/// same decisions from a replay of the persisted results; median stopping and Hyperband's brackets on known curves.
/// </summary>
public sealed class AshaSchedulerTests
{
    // Trial c's loss after e epochs is Offsets[c] + 1/e: every curve has the same shape, so ranks at any epoch follow the offsets.
    private static readonly double[] Offsets = [0.5, 0.3, 0.6, 0.1, 0.4, 0.2];

    private static readonly Objective ValNll = new(new MetricDefinition("valNll", "", MetricGoal.Minimize, MetricScope.Epoch), Minimize: true, PerEpoch: true);

    [Fact]
    public void Two_workers_see_the_hand_computed_promotions_and_stops_as_results_arrive()
    {
        // minEpochs 1, maxEpochs 9, η 3: rungs at epochs 1 and 3; a trial continues when it ranks within max(1, ⌊n/3⌋).
        var run = SchedulerRun.For(new SchedulerSpec { Kind = SchedulerKind.Asha, MinEpochs = 1, ReductionFactor = 3 }, ValNll, maxEpochs: 9);

        var (decisions, finished) = Simulate(run, workers: 2, epochs: 9);

        // By hand (events at the same time in worker order; a stopped trial frees its worker at once):
        // t=1  T0@1 n=1 rank 1 → on; T1@1 n=2 rank 1 (1.3 < 1.5) → on.   t=3  T0@3, T1@3 → on (rung 3: n=1, n=2 rank 1).
        // t=9  T0, T1 finish; T2, T3 start.   t=10 T2@1 n=3 rank 3 > 1 → stop; T3@1 n=4 rank 1 ≤ 1 → on; T4 starts.
        // t=11 T4@1 n=5 rank 3 > 1 → stop; T5 starts.   t=12 T5@1 n=6 rank 2 ≤ 2 → on; T3@3 n=3 rank 1 → on.
        // t=14 T5@3 n=4 rank 2 > 1 → stop.   t=18 T3 finishes.
        Assert.Equal(
        [
            "T0@1 on", "T1@1 on", "T0@3 on", "T1@3 on", "T2@1 stop", "T3@1 on", "T4@1 stop", "T5@1 on", "T3@3 on", "T5@3 stop",
        ], decisions);
        Assert.Equal(["T0", "T1", "T3"], finished);
        Assert.Equal(["T2", "T4", "T5"], run.Stopped.Keys.Order());
        Assert.Equal("asha: rung 3 ranks 2 of 4, top 1 continue (η=3)", run.Stopped["T5"].Decision.Reason);
        Assert.Equal(3, run.Stopped["T5"].Decision.Rung);
    }

    [Fact]
    public void A_restarted_sweep_replaying_the_persisted_results_makes_the_same_decisions()
    {
        var spec = new SchedulerSpec { Kind = SchedulerKind.Asha, MinEpochs = 1, ReductionFactor = 3 };
        var run = SchedulerRun.For(spec, ValNll, maxEpochs: 9);
        Simulate(run, workers: 2, epochs: 9);

        var replayed = SchedulerRun.For(spec, ValNll, maxEpochs: 9).Replay(run.Results);

        Assert.Equal(run.Decisions, replayed.Decisions);
        // A result reported again (a retried heartbeat) gets the same answer and changes nothing.
        var again = run.Decisions[4];
        Assert.Equal(again.Decision, replayed.Report(again.Result));
        Assert.Equal(run.Decisions.Count, replayed.Decisions.Count);
    }

    [Fact]
    public void Maximised_objectives_rank_the_largest_first()
    {
        var accuracy = ValNll with { Minimize = false };
        var run = SchedulerRun.For(new SchedulerSpec { Kind = SchedulerKind.Asha, MinEpochs = 1, ReductionFactor = 2 }, accuracy, maxEpochs: 4);
        Assert.False(run.Report(new("a", 1, 0.9)).Stop);
        Assert.True(run.Report(new("b", 1, 0.5)).Stop); // n=2, keep 1: 0.5 is worse than 0.9 when larger is better
        Assert.False(run.Report(new("c", 1, 0.95)).Stop);
        Assert.True(run.Report(new("d", 2, double.NaN)).Stop); // nothing to compare: stopped with the reason
        Assert.Contains("not finite", run.Stopped["d"].Decision.Reason);
    }

    [Fact]
    public void Median_stopping_compares_the_best_so_far_with_the_others_running_means()
    {
        var run = SchedulerRun.For(new SchedulerSpec { Kind = SchedulerKind.Median, GraceEpochs = 2, MinSamples = 2 }, ValNll, maxEpochs: 10);
        foreach (var (trial, curve) in new[] { ("a", new[] { 3.0, 2.0 }), ("b", new[] { 4.0, 3.0 }) })
        {
            for (var e = 0; e < curve.Length; e++)
                Assert.False(run.Report(new(trial, e + 1, curve[e])).Stop); // fewer than 2 others at each epoch
        }
        Assert.False(run.Report(new("c", 1, 5.0)).Stop); // before the grace period
        // Running means at epoch 2: a (3+2)/2 = 2.5, b (4+3)/2 = 3.5; median 3.0. c's best 3.2 > 3.0 → stop.
        var stop = run.Report(new("c", 2, 3.2));
        Assert.True(stop.Stop);
        Assert.Equal("median: best 3.2 by epoch 2 is worse than the median 3 of 2 trials' running means", stop.Reason);
        Assert.False(run.Report(new("d", 1, 9.0)).Stop);
        Assert.False(run.Report(new("d", 2, 2.9)).Stop); // best 2.9 ≤ median of a 2.5, b 3.5, c 4.1 = 3.5
    }

    [Fact]
    public void Hyperband_deals_trials_to_brackets_whose_first_rungs_grow_by_eta()
    {
        var run = SchedulerRun.For(new SchedulerSpec { Kind = SchedulerKind.Hyperband, MinEpochs = 1, ReductionFactor = 3, Brackets = 2 }, ValNll, maxEpochs: 9);
        // Brackets: 0 has rungs 1 and 3, 1 has rung 3. Trials a, c, e go to bracket 0; b, d to bracket 1.
        Assert.Equal(1, run.Report(new("a", 1, 1.0)).Rung);
        Assert.Null(run.Report(new("b", 1, 1.0)).Rung);
        Assert.Equal(1, run.Report(new("c", 1, 0.5)).Rung);
        Assert.Equal(3, run.Report(new("b", 3, 1.0)).Rung);
        var d = run.Report(new("d", 3, 2.0));
        Assert.True(d.Stop);
        Assert.StartsWith("hyperband bracket 1: rung 3 ranks 2 of 2", d.Reason);
    }

    /// <summary>
    /// Runs the six synthetic trials in order on <paramref name="workers"/> workers, one epoch per time unit, reporting
    /// every epoch; a stopped trial frees its worker at once. Returns "T{c}@{epoch} on|stop" for each rung decision and
    /// the trials that ran to the end.
    /// </summary>
    private static (List<string> Decisions, List<string> Finished) Simulate(SchedulerRun run, int workers, int epochs)
    {
        var decisions = new List<string>();
        var finished = new List<string>();
        var next = 0;
        var slots = new (int Trial, int Epoch, int Time)[workers];
        for (var w = 0; w < workers; w++)
            slots[w] = next < Offsets.Length ? (next++, 0, 0) : (-1, 0, int.MaxValue);
        while (slots.Any(s => s.Trial >= 0))
        {
            // The next epoch to end; ties in worker order.
            var w = Enumerable.Range(0, workers).Where(i => slots[i].Trial >= 0).MinBy(i => (slots[i].Time + 1, i));
            var (trial, epoch, time) = (slots[w].Trial, slots[w].Epoch + 1, slots[w].Time + 1);
            var decision = run.Report(new IntermediateResult($"T{trial}", epoch, Offsets[trial] + 1.0 / epoch));
            if (decision.Rung is not null)
                decisions.Add($"T{trial}@{epoch} {(decision.Stop ? "stop" : "on")}");
            var done = decision.Stop || epoch == epochs;
            if (done && !decision.Stop)
                finished.Add($"T{trial}");
            slots[w] = !done ? (trial, epoch, time) : next < Offsets.Length ? (next++, 0, time) : (-1, 0, int.MaxValue);
        }
        return (decisions, finished);
    }

    [Fact]
    public void With_group_by_each_partition_is_its_own_competition_and_a_replay_keeps_the_partitions()
    {
        var spec = new SchedulerSpec { Kind = SchedulerKind.Asha, MinEpochs = 1, ReductionFactor = 2, GroupBy = ["task"] };
        var run = SchedulerRun.For(spec, ValNll, maxEpochs: 4);
        // Task a: 0.5 then 0.9 (stops: rank 2 of 2, 1 kept). Task b's 0.7 arrives first in its own partition: it continues
        // although 0.5 is better, as it would not without partitions.
        IntermediateResult[] results =
        [
            new(PartitionedScheduler.Id("t1", "a"), 1, 0.5), new(PartitionedScheduler.Id("t2", "a"), 1, 0.9),
            new(PartitionedScheduler.Id("t3", "b"), 1, 0.7),
        ];
        Assert.Equal([false, true, false], results.Select(r => run.Report(r).Stop));
        var replayed = SchedulerRun.For(spec, ValNll, maxEpochs: 4).Replay(run.Results);
        Assert.Equal(run.Decisions, replayed.Decisions);
        Assert.Equal([1, 2], run.Milestones!);
        var unpartitioned = SchedulerRun.For(spec with { GroupBy = [] }, ValNll, maxEpochs: 4);
        Assert.Equal([false, true, true], results.Select(r => unpartitioned.Report(r with { Trial = r.Trial[..2] }).Stop));
    }
}
