using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Tests.Infrastructure;

namespace Orchestrator.Tests.Orchestration;

/// <summary>
/// TPE under ASHA through the sweep grain: a trial ASHA stops is an observation for TPE (ranked below every completed
/// trial, by the epoch and the rung value it was stopped at), live and after a restart, and a completed trial's
/// objective named by a metric reported only per epoch is its last epoch's value, not NaN.
/// </summary>
public sealed class TpeWithEarlyStoppingTests
{
    // Rungs at epochs 1 and 2; the objective is reported per epoch only (the quadratic's final metric is "loss").
    private static SweepSpec Spec() => SweepSpecParser.Parse("""
        name: tpe-asha
        workload: quadratic
        fixed: { epochs: 4 }
        search:
          lr: { uniform: [0.01, 0.45] }
          target: { uniform: [-5, 5] }
        strategy: { tpe: 10, seed: 3, startup: 2 }
        objective: { metric: trainLoss }
        scheduler: { kind: asha, minEpochs: 1, eta: 2 }
        """, OrchestratorTestCluster.Workloads);

    private static Dictionary<string, double> TrainLoss(double value) => new() { ["trainLoss"] = value };

    [Fact]
    public async Task A_stopped_trial_is_observed_at_its_rung_value_live_and_after_a_restart()
    {
        using var store = new TempFolder();
        var spec = Spec();
        // What the sweep must draw: a source fed the same history in the same order (A completes, B is stopped at rung 1).
        var expected = TrialSources.Create(spec, OrchestratorTestCluster.Workloads);
        var (a, b) = (expected.Next()!, expected.Next()!);
        expected.Observe(a, 0.5);
        expected.ObserveStopped(b, 1, 2.0);
        var c = expected.Next()!;
        expected.Observe(c, 0.25);
        var d = expected.Next()!;

        // No worker slots: the test leases, heartbeats and completes, so the order of events is exactly the one above.
        await using (var first = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store.Path, slotsPerSilo: 0))
        {
            await first.Client.SubmitAsync(spec);
            var sweep = first.Grains.GetGrain<ISweepGrain>("tpe-asha");
            var leaseA = await sweep.LeaseAsync("test/cpu0", "cpu");
            Assert.Equal(a.ConfigHash, leaseA!.Trial.ConfigHash);
            Assert.True(await sweep.HeartbeatAsync(leaseA.LeaseId, new WorkProgress(1, 4, TrainLoss(1.0), 0))); // first at rung 1
            // A's final metrics lack trainLoss: its objective is the last epoch's value the worker sends along.
            await sweep.CompleteAsync(leaseA.LeaseId, new WorkOutcome([], new Dictionary<string, double> { ["loss"] = 0.5 }, 0.1, LastEpoch: TrainLoss(0.5)));
            var leaseB = await sweep.LeaseAsync("test/cpu0", "cpu");
            Assert.Equal(b.ConfigHash, leaseB!.Trial.ConfigHash);
            Assert.False(await sweep.HeartbeatAsync(leaseB.LeaseId, new WorkProgress(1, 4, TrainLoss(2.0), 0))); // ranks 2 of 2 at rung 1: stopped
            // C is drawn from A's result and B's stop; with B still counted pending, the sampler would be in its random startup.
            var leaseC = await sweep.LeaseAsync("test/cpu0", "cpu");
            Assert.Equal(c.ConfigHash, leaseC!.Trial.ConfigHash);
            await sweep.CompleteAsync(leaseC.LeaseId, new WorkOutcome([], new Dictionary<string, double> { ["loss"] = 0.25 }, 0.1, LastEpoch: TrainLoss(0.25)));
        }

        await using var second = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store.Path, slotsPerSilo: 0);
        var restarted = second.Grains.GetGrain<ISweepGrain>("tpe-asha");
        // The restarted grain rebuilds A's and C's objectives from its ledger and B's stop from the replayed scheduler.
        Assert.Equal(d.ConfigHash, (await restarted.LeaseAsync("test/cpu0", "cpu"))!.Trial.ConfigHash);
        var results = await second.Client.GetResultsAsync("tpe-asha");
        TrialRow Of(TrialSpec t) => results.Trials.Single(r => r.ConfigHash == t.ConfigHash);
        Assert.Equal((TrialStatus.Completed, 0.5), (Of(a).Status, Of(a).Objective));
        Assert.Equal((TrialStatus.Completed, 0.25), (Of(c).Status, Of(c).Objective));
        Assert.Equal(TrialStatus.Stopped, Of(b).Status);
        Assert.Equal(0.5, Of(a).Metric("trainLoss"));
        var best = await second.Client.GetResultsPageAsync("tpe-asha", new ResultsQuery(Limit: 1));
        Assert.Equal(c.ConfigHash, best.Trials.Single().ConfigHash); // ranked by the per-epoch objective: C's 0.25 first
    }
}
