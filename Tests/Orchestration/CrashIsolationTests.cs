using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Contracts.Workers;

namespace Orchestrator.Tests.Orchestration;

/// <summary>A trial that aborts its process natively costs attempts of that trial only: the silo and other trials go on.</summary>
public sealed class CrashIsolationTests
{
    [Fact]
    public async Task A_trial_that_aborts_natively_every_time_ends_failed_while_the_others_complete()
    {
        var store = Directory.CreateTempSubdirectory("orchestrator-crash-").FullName;
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store, sweeps: o => o.MaxAttempts = 2);
        // beta 5 trains normally; the "native-abort" trial kills its trial host on every attempt.
        var spec = OrchestratorTestCluster.TinySpec("crash", search: "fault: [native-abort]\n  beta: [5]", seeds: "[1]");
        var healthy = OrchestratorTestCluster.TinySpec("healthy", seeds: "[1]");

        await cluster.Client.SubmitAsync(spec);
        await cluster.Client.SubmitAsync(healthy);
        var crashed = await cluster.RunToEndAsync("crash", TimeSpan.FromMinutes(3));
        var fine = await cluster.RunToEndAsync("healthy", TimeSpan.FromMinutes(3));

        var failed = Assert.Single(crashed.Trials);
        Assert.Equal(TrialStatus.Failed, failed.Status);
        Assert.Equal(2, failed.Attempt);
        Assert.Contains("gave up after 2 attempts", failed.Reason);
        Assert.Contains("SIGABRT", failed.Reason);
        Assert.All(fine.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        // A sweep whose every trial failed ended Failed, not Completed.
        Assert.Equal(SweepPhase.Failed, crashed.Status.Phase);
        Assert.Equal(SweepPhase.Completed, fine.Status.Phase);
        var worker = await cluster.Grains.GetGrain<IWorkerGrain>($"{cluster.Cluster.Silos[0].Name}/cpu0").GetStatusAsync();
        Assert.True(worker.Running);
    }
}
