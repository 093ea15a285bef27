using Orchestrator.Contracts.Trials;

namespace Orchestrator.Tests.Orchestration;

/// <summary>A diverging training ends Failed with its reason — never scored (a chance-level C2ST would rank it first).</summary>
public sealed class DivergentTrialTests
{
    [Fact]
    public async Task An_absurd_learning_rate_fails_its_trial_with_the_reason_and_the_sweep_goes_on()
    {
        var store = Directory.CreateTempSubdirectory("orchestrator-diverge-").FullName;
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store);
        var spec = OrchestratorTestCluster.TinySpec("diverge", extraFixed: ", beta: 1", search: "lr: [1000, 1e-3]", seeds: "[1]", epochs: 3);
        await cluster.Client.SubmitAsync(spec);
        var results = await cluster.RunToEndAsync("diverge", TimeSpan.FromMinutes(3));

        var diverged = results.Trials.Single(t => t.Parameters["lr"].Number == 1000);
        Assert.Equal(TrialStatus.Failed, diverged.Status);
        Assert.Equal(1, diverged.Attempt); // the trial's own failure, not worth a retry
        Assert.Matches("non-finite|not finite|diverged", diverged.Reason);
        Assert.True(double.IsNaN(diverged.Metric("c2st")), "a diverged trial has no C2ST");
        var healthy = results.Trials.Single(t => t.Parameters["lr"].Number == 1e-3);
        Assert.Equal(TrialStatus.Completed, healthy.Status);
        Assert.InRange(healthy.Metric("c2st"), 0.5, 1.0);
    }
}
