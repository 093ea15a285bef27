using System.Text.Json;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Storage;
using Orchestrator.Tests.Infrastructure;
using Orchestrator.Training.Workloads;

namespace Orchestrator.Tests.Orchestration;

/// <summary>
/// ASHA on a real cluster with real trial hosts: workers report the rung epochs as they end (not whatever epoch the next
/// heartbeat finds), so decisions are those computed by hand however fast the trials run, and a stopped trial ends
/// Stopped with the rung's metrics and its checkpoint.
/// </summary>
public sealed class EarlyStoppingTests
{
    // From x₀ = 1 towards 0: trainLoss after n epochs is (1 − 2·lr)^(2n); rungs at epochs 1 and 2 (η = 2, 4 epochs).
    private static SweepSpec QuadraticUnderAsha(string name) => SweepSpecParser.Parse($$"""
        name: {{name}}
        workload: quadratic
        fixed: { target: 0, epochs: 4 }
        search: { lr: [0.05, 0.4, 0.1, 0.3] }
        seeds: [1]
        objective: { metric: trainLoss }
        scheduler: { kind: asha, minEpochs: 1, eta: 2 }
        """, OrchestratorTestCluster.Workloads);

    [Fact]
    public async Task Asha_on_one_worker_makes_the_hand_computed_decisions_even_when_trials_outrun_heartbeats()
    {
        using var store = new TempFolder();
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store.Path, slotsPerSilo: 1);
        var spec = QuadraticUnderAsha("asha-quadratic");
        await cluster.Client.SubmitAsync(spec);
        var results = await cluster.RunToEndAsync("asha-quadratic", TimeSpan.FromMinutes(2));

        TrialRow Of(double lr) => results.Trials.Single(t => t.Parameters["lr"].AsDouble() == lr);
        // Rung 1 in arrival order: 0.05 first (continues), 0.4 best of 2 (continues), 0.1 ranks 2 of 3 with 1 kept (stops),
        // 0.3 ranks 2 of 4 with 2 kept (continues); rung 2: 0.05, 0.4, then 0.3 ranks 2 of 3 with 1 kept (stops).
        Assert.Equal(SweepPhase.Completed, results.Status.Phase);
        Assert.Equal((TrialStatus.Completed, TrialStatus.Completed), (Of(0.05).Status, Of(0.4).Status));
        Assert.Equal((TrialStatus.Stopped, "stopped at epoch 1 (trainLoss 0.64): asha: rung 1 ranks 2 of 3, top 1 continue (η=2)"), (Of(0.1).Status, Of(0.1).Reason));
        Assert.Equal((TrialStatus.Stopped, "stopped at epoch 2 (trainLoss 0.0256): asha: rung 2 ranks 2 of 3, top 1 continue (η=2)"), (Of(0.3).Status, Of(0.3).Reason));
        Assert.Equal(Math.Pow(0.8, 2), Of(0.1).Metric("trainLoss"), 12);
        Assert.Equal(Math.Pow(0.4, 4), Of(0.3).Metric("trainLoss"), 12);
        Assert.Equal(2, results.Status.Stopped);
        // The objective, reported per epoch only, ranks the completed trials by their last epoch's value (the worker sends it
        // with the final metrics): (1 − 2·lr)^(2·4).
        Assert.Equal(Math.Pow(0.9, 8), Of(0.05).Objective, 12);
        Assert.Equal(Math.Pow(0.2, 8), Of(0.4).Objective, 12);
    }

    [Fact]
    public async Task A_promoted_trial_continues_from_the_checkpoint_it_was_stopped_at_to_its_full_budget()
    {
        using var store = new TempFolder();
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store.Path, slotsPerSilo: 1);
        // As above: lr 0.1 stops at rung 1, lr 0.3 at rung 2.
        var spec = QuadraticUnderAsha("promote");
        await cluster.Client.SubmitAsync(spec);
        var stopped = (await cluster.RunToEndAsync("promote", TimeSpan.FromMinutes(2))).Trials.Single(t => t.Parameters["lr"].AsDouble() == 0.3);
        Assert.Equal(TrialStatus.Stopped, stopped.Status);
        await Assert.ThrowsAsync<ArgumentException>(() => cluster.Client.PromoteAsync("promote", "ffff"));

        Assert.Equal(SweepPhase.Running, (await cluster.Client.PromoteAsync("promote", stopped.ConfigHash[..6])).Phase);
        var results = await cluster.RunToEndAsync("promote", TimeSpan.FromMinutes(2));

        var promoted = results.Trials.Single(t => t.ConfigHash == stopped.ConfigHash);
        Assert.Equal((TrialStatus.Completed, 2), (promoted.Status, promoted.Attempt));
        Assert.Equal(Math.Pow(0.4, 8), promoted.Metric("loss"), 12); // 4 epochs in all, as if never stopped
        var resultStore = new LocalDirectoryResultStore(Path.Combine(store.Path, "results"));
        var lines = (await resultStore.ReadMetricsAsync("promote", stopped.ConfigHash)).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (Attempt: e.GetProperty("attempt").GetInt32(), Epoch: e.GetProperty("epoch").GetInt32())).ToList();
        // The stopped attempt stored epochs 1 and 2 only; the second starts after the stored checkpoint (of epoch 2, or a later
        // one when the host outran the stop: a checkpoint of the same run) and ends at the full budget.
        Assert.Equal([(1, 1), (1, 2)], lines.Where(l => l.Attempt == 1));
        var resumed = lines.Where(l => l.Attempt == 2).Select(l => l.Epoch).ToList();
        Assert.Equal(resumed.Count == 0 ? [] : Enumerable.Range(5 - resumed.Count, resumed.Count), resumed);
        Assert.True(resumed.Count <= 2, $"the promoted trial trained epochs {string.Join(", ", resumed)} again");
        Assert.Equal(TrialStatus.Stopped, results.Trials.Single(t => t.Parameters["lr"].AsDouble() == 0.1).Status); // not promoted
    }

    [Fact]
    public async Task Asha_with_real_fff_trainings_stops_the_untrained_configuration_at_its_first_rung_and_keeps_its_metrics_and_checkpoint()
    {
        using var store = new TempFolder();
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store.Path, slotsPerSilo: 2);
        // lr 1e-7 barely moves in one epoch: it is last at rung 1 whoever arrived before it (it starts third, after one
        // of the others has passed rung 1, so it never arrives first).
        var spec = SweepSpecParser.Parse("""
            name: asha-fff
            workload: fff-sbi
            fixed: { task: two_moons, budget: 500, epochs: 4, batchSize: 32, posteriorSamples: 500 }
            search: { lr: [1e-3, 3e-3, 1e-7] }
            seeds: [1]
            evaluation: { observations: [1] }
            objective: { metric: valNll }
            scheduler: { kind: asha, minEpochs: 1, eta: 2 }
            """, BuiltInWorkloads.Registry);
        await cluster.Client.SubmitAsync(spec);
        var results = await cluster.RunToEndAsync("asha-fff", TimeSpan.FromMinutes(4));

        Assert.Equal(SweepPhase.Completed, results.Status.Phase);
        Assert.All(results.Trials, t => Assert.Contains(t.Status, new[] { TrialStatus.Completed, TrialStatus.Stopped }));
        Assert.Contains(results.Trials, t => t.Status == TrialStatus.Completed);
        var untrained = results.Trials.Single(t => t.Parameters["lr"].AsDouble() == 1e-7);
        Assert.Equal(TrialStatus.Stopped, untrained.Status);
        // Its metrics are the rung epoch's, as the worker wrote them to metrics.jsonl; the per-epoch val NLL (encoder, z) is
        // quoted in the reason, not kept under the final val NLL's name; its checkpoint stays in the store.
        var resultStore = new LocalDirectoryResultStore(Path.Combine(store.Path, "results"));
        var epochs = (await resultStore.ReadMetricsAsync("asha-fff", untrained.ConfigHash)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var first = epochs.First(e => e.GetProperty("epoch").GetInt32() == 1);
        Assert.Equal(first.GetProperty("trainLoss").GetDouble(), untrained.Metric("trainLoss"));
        Assert.True(double.IsNaN(untrained.Metric("valNll")));
        var valNll = first.GetProperty("valNll").GetDouble().ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith("stopped at epoch 1 (loss ", untrained.Reason);
        Assert.Contains($", val NLL (encoder, z) {valNll}): asha: rung 1 ranks ", untrained.Reason);
        await using (var checkpoint = await resultStore.OpenCheckpointAsync("asha-fff", untrained.ConfigHash))
            Assert.NotNull(checkpoint);
    }
}
