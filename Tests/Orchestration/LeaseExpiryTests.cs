using System.Text.Json;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Contracts.Workers;
using Orchestrator.Grains.Storage;
using Orchestrator.Training.Optimization;
using Orchestrator.Training.Trials;

namespace Orchestrator.Tests.Orchestration;

/// <summary>Lost work: a lease that is not renewed is requeued with attempt + 1 and resumes from the last checkpoint.</summary>
public sealed class LeaseExpiryTests
{
    [Fact]
    public async Task A_worker_that_stops_heartbeating_has_its_trial_requeued_and_resumed_from_its_checkpoint()
    {
        var storePath = Directory.CreateTempSubdirectory("orchestrator-lease-").FullName;
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = storePath, slotsPerSilo: 0,
            sweeps: o => o.LeaseDuration = TimeSpan.FromSeconds(2));
        var spec = OrchestratorTestCluster.TinySpec("lease", search: "beta: [5]", seeds: "[1]", epochs: 6);
        await cluster.Client.SubmitAsync(spec);
        var sweep = cluster.Grains.GetGrain<ISweepGrain>("lease");

        // A "ghost" worker takes the trial, trains 3 epochs, saves its checkpoint to the store, then goes silent.
        // (The checkpoint is computed before the lease: on a loaded machine training could outlast the 2 s lease.)
        var checkpoint = CheckpointAfter(epochs: 3);
        var item = await sweep.LeaseAsync("ghost/cpu0", "cpu");
        Assert.NotNull(item);
        Assert.Equal(1, item.Attempt);
        var store = new LocalDirectoryResultStore(Path.Combine(storePath, "results"));
        await store.PutCheckpointAsync("lease", item.Trial.ConfigHash, new MemoryStream(checkpoint));
        Assert.True(await sweep.HeartbeatAsync(item.LeaseId, new WorkProgress(3, 6, new Dictionary<string, double> { ["trainLoss"] = 1.0 }, CheckpointEpoch: 3)));

        // A real worker is there to take the requeued attempt once the ghost's lease runs out.
        await cluster.Grains.GetGrain<IWorkerGrain>($"{cluster.Cluster.Silos[0].Name}/cpu0").StartAsync();
        var results = await cluster.RunToEndAsync("lease", TimeSpan.FromMinutes(3));

        var trial = Assert.Single(results.Trials);
        Assert.Equal(TrialStatus.Completed, trial.Status);
        Assert.Equal(2, trial.Attempt);
        Assert.False(await sweep.HeartbeatAsync(item.LeaseId, new WorkProgress(4, 6, new Dictionary<string, double> { ["trainLoss"] = 1.0 }, 3)), "the ghost's lease must stay lost");
        var epochsOfAttempt2 = (await store.ReadMetricsAsync("lease", item.Trial.ConfigHash))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(m => m.GetProperty("attempt").GetInt32() == 2)
            .Select(m => m.GetProperty("epoch").GetInt32());
        Assert.Equal([4, 5, 6], epochsOfAttempt2);
        Assert.Equal([2], await store.ListAttemptsAsync("lease", item.Trial.ConfigHash));
    }

    /// <summary>A real checkpoint of the spec's trial after <paramref name="epochs"/> of its 6 epochs.</summary>
    private static byte[] CheckpointAfter(int epochs)
    {
        var config = new TrialConfig
        {
            Task = "two_moons", Budget = 200, Seed = 1, PosteriorSamples = 500, Observations = [1],
            Training = new TrainingOptions { Beta = 5, Epochs = 6, BatchSize = 64 },
        };
        var path = Path.Combine(Directory.CreateTempSubdirectory("orchestrator-ckpt-").FullName, "checkpoint.bin");
        using var stop = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => TrialRunner.Train(config, p =>
        {
            if (p is TrialProgress.Epoch { Progress.Epoch: var e } && e == epochs)
                stop.Cancel();
        }, new FileCheckpointStore(path), checkpointEvery: 1, stop.Token));
        return File.ReadAllBytes(path);
    }
}
