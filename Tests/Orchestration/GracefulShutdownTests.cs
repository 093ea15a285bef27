using System.Text.Json;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Contracts.Workers;
using Orchestrator.Grains.Storage;
using Orchestrator.Training.Workloads;

namespace Orchestrator.Tests.Orchestration;

/// <summary>
/// A silo shutting down (Ctrl+C, SIGTERM: the same lifecycle stop) checkpoints its running trials at once: the trial
/// host saves the last finished epoch on the way out, the trial is requeued without costing an attempt and resumes on
/// another silo from exactly that epoch, not from its last periodic checkpoint.
/// </summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Stopping_a_silo_saves_its_running_trial_at_the_last_finished_epoch_and_requeues_it_uncounted()
    {
        var storePath = Directory.CreateTempSubdirectory("orchestrator-shutdown-").FullName;
        try
        {
            // No periodic checkpoint before the end: whatever the resumed attempt skips was saved by the shutdown.
            await using var cluster = await OrchestratorTestCluster.StartAsync(2, o => o.LocalPath = storePath,
                sweeps: o => o.CheckpointEvery = 1000);
            await cluster.Client.SubmitAsync(Spec("shutdown"));
            var store = new LocalDirectoryResultStore(Path.Combine(storePath, "results"));
            var (silo, trial) = await RunningTrialAfterEpochAsync(cluster, store, "shutdown", epoch: 2);

            await cluster.Cluster.StopSiloAsync(silo);

            var results = await cluster.RunToEndAsync("shutdown", TimeSpan.FromMinutes(3));
            var row = Assert.Single(results.Trials);
            Assert.Equal(TrialStatus.Completed, row.Status);
            var state = (await cluster.Grains.GetGrain<ISweepGrain>("shutdown").GetTrialStateAsync(trial))!;
            Assert.Equal(2, state.Attempt);
            Assert.Equal(1, state.Attempt - state.AttemptFloor); // the shutdown's attempt did not count
            Assert.Equal([2], await store.ListAttemptsAsync("shutdown", trial));
            var epochs = await EpochsByAttemptAsync(store, "shutdown", trial);
            var stoppedAfter = epochs[1].Max();
            Assert.InRange(stoppedAfter, 2, Epochs - 1);
            Assert.Equal(Enumerable.Range(stoppedAfter + 1, Epochs - stoppedAfter), epochs[2]);
        }
        finally
        {
            Directory.Delete(storePath, recursive: true);
        }
    }

    [Fact]
    public async Task A_training_given_back_uncounted_is_leased_at_once_by_the_sweep_reloaded_on_another_silo()
    {
        using var store = new Infrastructure.TempFolder();
        // No worker slots: the test is the worker, so nothing but its own calls touches the sweep.
        await using var cluster = await OrchestratorTestCluster.StartAsync(2, o => o.LocalPath = store.Path, slotsPerSilo: 0);
        await cluster.Client.SubmitAsync(OrchestratorTestCluster.TinySpec("moved", search: "beta: [5]", seeds: "[1]"));
        var sweep = cluster.Grains.GetGrain<ISweepGrain>("moved");
        var first = await sweep.LeaseAsync("gone/cpu0", "cpu") ?? throw new Xunit.Sdk.XunitException("nothing to lease");

        // Its worker shuts down and gives the training back; then the sweep's own silo stops too.
        await sweep.RequeueAsync(first.LeaseId, "stopped at a checkpoint (worker shutting down)");
        var holder = await cluster.Grains.GetGrain<IManagementGrain>(0).GetActivationAddress(sweep);
        await cluster.Cluster.StopSiloAsync(cluster.Cluster.Silos.Single(s => s.SiloAddress.Equals(holder)));

        // The first call reloads the sweep on the other silo, which hands the training out again: not held back for a
        // lease duration as work whose worker might still report (the sweep knew it had been given back).
        var again = await sweep.LeaseAsync("other/cpu0", "cpu");
        Assert.NotNull(again);
        Assert.Equal(first.Trial.ConfigHash, again.Trial.ConfigHash);
        Assert.Equal(2, again.Attempt);
        var state = (await sweep.GetTrialStateAsync(again.Trial.ConfigHash))!;
        Assert.Equal((TrialStatus.Running, 2, 1), (state.Status, state.Attempt, state.AttemptFloor)); // the given-back attempt does not count
    }

    private const int Epochs = 12;

    /// <summary>One trial long enough (tens of seconds) to be stopped mid-training.</summary>
    private static SweepSpec Spec(string name) => SweepSpecParser.Parse($$"""
        name: {{name}}
        workload: fff-sbi
        fixed: { task: two_moons, budget: 1000, epochs: {{Epochs}}, batchSize: 32, beta: 5, posteriorSamples: 500 }
        evaluation: { observations: [1] }
        """, BuiltInWorkloads.Registry, "spec.yaml");

    /// <summary>Waits until attempt 1 reported <paramref name="epoch"/>; returns the silo whose worker runs it and the trial.</summary>
    private static async Task<(Orleans.TestingHost.InProcessSiloHandle Silo, string Trial)> RunningTrialAfterEpochAsync(
        OrchestratorTestCluster cluster, LocalDirectoryResultStore store, string sweep, int epoch)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var silo in cluster.Cluster.Silos)
            {
                var status = await cluster.Grains.GetGrain<IWorkerGrain>($"{silo.Name}/cpu0").GetStatusAsync();
                if (status.CurrentSweep == sweep && status.CurrentTrial is { } trial
                    && (await EpochsByAttemptAsync(store, sweep, trial)).GetValueOrDefault(1, []).Count >= epoch)
                    return (silo, trial);
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"no worker reported epoch {epoch} of sweep {sweep}");
    }

    private static async Task<Dictionary<int, List<int>>> EpochsByAttemptAsync(LocalDirectoryResultStore store, string sweep, string trial) =>
        (await store.ReadMetricsAsync(sweep, trial))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .GroupBy(m => m.GetProperty("attempt").GetInt32())
            .ToDictionary(g => g.Key, g => g.Select(m => m.GetProperty("epoch").GetInt32()).ToList());
}
