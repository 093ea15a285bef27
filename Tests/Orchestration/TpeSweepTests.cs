using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Storage;
using Orchestrator.Tests.Infrastructure;
using Orchestrator.Tests.Workloads;

namespace Orchestrator.Tests.Orchestration;

/// <summary>
/// <c>strategy: tpe</c> on a real cluster: configurations drawn at lease time from the results so far, capped exactly by
/// limits.maxTrials, no configuration twice among parallel workers, and a sweep restarted on a new cluster continues
/// the sequence from its stored history instead of starting over.
/// </summary>
public sealed class TpeSweepTests
{
    private static SweepSpec Spec(string name) => SweepSpecParser.Parse($$"""
        name: {{name}}
        workload: quadratic
        fixed: { epochs: 3 }
        search:
          lr: { uniform: [0.01, 0.45] }
          target: { uniform: [-5, 5] }
        strategy: { tpe: 12, seed: 3, startup: 3 }
        seeds: [1]
        limits: { maxTrials: 8 }
        """, OrchestratorTestCluster.Workloads);

    private static double Loss(TrialSpec t) =>
        QuadraticWorkload.ExpectedLoss(t.Parameters["target"].AsDouble(), t.Parameters["lr"].AsDouble(), 3, t.Seed);

    [Fact]
    public async Task A_restarted_tpe_sweep_continues_its_sequence_and_stops_at_max_trials_without_repeating_a_configuration()
    {
        using var store = new TempFolder();
        var spec = Spec("tpe");
        var before = new List<TrialSpec>();
        // The first cluster has no worker slots: the test leases and completes trials itself, so exactly 4 complete
        // before the restart whatever the machine's speed.
        await using (var first = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store.Path, slotsPerSilo: 0))
        {
            Assert.Equal(8, (await first.Client.SubmitAsync(spec)).Total);
            var sweep = first.Grains.GetGrain<ISweepGrain>("tpe");
            foreach (var round in new[] { 2, 2 })
            {
                var items = await sweep.LeaseBatchAsync("test/cpu0", "cpu", round);
                Assert.Equal(round, items.Count);
                foreach (var item in items)
                {
                    await sweep.CompleteAsync(item.LeaseId, new WorkOutcome([new ObservationScore(1, Loss(item.Trial))],
                        new Dictionary<string, double> { ["loss"] = Loss(item.Trial) }, 0.1));
                    before.Add(item.Trial);
                }
            }
        }

        await using var second = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store.Path, slotsPerSilo: 2);
        var results = await second.RunToEndAsync("tpe", TimeSpan.FromMinutes(3));

        Assert.Equal(SweepPhase.Completed, results.Status.Phase);
        Assert.Equal(8, results.Trials.Count);
        Assert.All(results.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.Equal(8, results.Trials.Select(t => t.GroupHash).Distinct().Count());
        foreach (var trial in before)
            Assert.Equal(1, results.Trials.Single(t => t.ConfigHash == trial.ConfigHash).Attempt); // not rerun
        // The fifth configuration is drawn from the four stored results alone: the one a source fed the same history draws.
        var expected = (IAdaptiveTrialSource)TrialSources.Create(spec, OrchestratorTestCluster.Workloads);
        expected.Restore([.. before.Select(t => new StartedTrial(t.Index, t, Loss(t)))]);
        var fifth = expected.Next()!;
        Assert.Contains(results.Trials, t => t.ConfigHash == fifth.ConfigHash);
        var resultStore = new LocalDirectoryResultStore(Path.Combine(store.Path, "results"));
        Assert.Equal([1], await resultStore.ListAttemptsAsync("tpe", fifth.ConfigHash));
    }
}
