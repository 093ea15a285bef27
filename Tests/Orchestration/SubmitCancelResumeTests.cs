using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Storage;

namespace Orchestrator.Tests.Orchestration;

/// <summary>Explicit, idempotent verbs: submit twice, cancel mid-sweep, resume; a restarted cluster finishes without rerunning.</summary>
public sealed class SubmitCancelResumeTests : IDisposable
{
    // One store per test (xUnit makes an instance per test), deleted after the test's cluster is disposed.
    private readonly string _store = Directory.CreateTempSubdirectory("orchestrator-test-work-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_store, recursive: true);
        }
        catch (IOException)
        {
            // A trial host still exiting may hold a file; the folder is in /tmp.
        }
    }

    [Fact]
    public async Task Submitting_the_same_spec_twice_is_one_sweep_and_a_different_spec_under_its_name_is_refused()
    {
        var store = _store;
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store, slotsPerSilo: 0);
        var spec = OrchestratorTestCluster.TinySpec("idempotent");

        var first = await cluster.Client.SubmitAsync(spec);
        var again = await cluster.Client.SubmitAsync(OrchestratorTestCluster.TinySpec("idempotent"));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => cluster.Client.SubmitAsync(OrchestratorTestCluster.TinySpec("idempotent", epochs: 3)));

        Assert.Equal(4, first.Total);
        Assert.Equal(first.SpecHash, again.SpecHash);
        Assert.Equal(first.SubmittedAt, again.SubmittedAt);
        Assert.Equal(4, again.Pending);
        Assert.Contains("different spec", error.Message);
        Assert.Single(await cluster.Client.ListAsync());
    }

    [Fact]
    public async Task Cancel_mid_sweep_keeps_completed_trials_and_resume_runs_only_the_rest()
    {
        var store = _store;
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store);
        var spec = OrchestratorTestCluster.TinySpec("cancel", search: "beta: [1, 5, 25]", epochs: 4);
        await cluster.Client.SubmitAsync(spec);

        await cluster.WaitForAsync("cancel", s => s.Completed >= 1, TimeSpan.FromMinutes(2));
        var cancelled = await cluster.Client.CancelAsync("cancel");
        var afterCancel = await cluster.Client.GetResultsAsync("cancel");
        var completedBefore = afterCancel.Trials.Where(t => t.Status == TrialStatus.Completed).Select(t => t.ConfigHash).ToHashSet();

        Assert.Equal(SweepPhase.Cancelled, cancelled.Phase);
        Assert.Equal(6, cancelled.Completed + cancelled.Cancelled);
        Assert.True(cancelled.Cancelled >= 1);
        Assert.All(afterCancel.Trials.Where(t => t.Status != TrialStatus.Completed), t => Assert.Equal(TrialStatus.Cancelled, t.Status));

        await cluster.Client.ResumeAsync("cancel");
        var results = await cluster.RunToEndAsync("cancel", TimeSpan.FromMinutes(4));

        Assert.Equal(SweepPhase.Completed, results.Status.Phase);
        Assert.All(results.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        var resultStore = new LocalDirectoryResultStore(Path.Combine(store, "results"));
        foreach (var hash in completedBefore)
        {
            Assert.Equal(1, results.Trials.Single(t => t.ConfigHash == hash).Attempt);
            Assert.Equal([1], await resultStore.ListAttemptsAsync("cancel", hash));
        }
    }

    [Fact]
    public async Task A_restarted_cluster_finishes_the_sweep_without_rerunning_completed_trials()
    {
        var store = _store;
        var spec = OrchestratorTestCluster.TinySpec("restart", search: "beta: [1, 5, 25]", epochs: 4);
        HashSet<string> completedBefore;
        await using (var first = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store))
        {
            await first.Client.SubmitAsync(spec);
            await first.WaitForAsync("restart", s => s.Completed >= 2, TimeSpan.FromMinutes(2));
            completedBefore = (await first.Client.GetResultsAsync("restart")).Trials
                .Where(t => t.Status == TrialStatus.Completed).Select(t => t.ConfigHash).ToHashSet();
        } // all silos stop: the sweep is interrupted mid-way

        await using var second = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store);
        var results = await second.RunToEndAsync("restart", TimeSpan.FromMinutes(4));

        Assert.True(completedBefore.Count >= 2);
        Assert.All(results.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        var resultStore = new LocalDirectoryResultStore(Path.Combine(store, "results"));
        foreach (var hash in completedBefore)
        {
            Assert.Equal(1, results.Trials.Single(t => t.ConfigHash == hash).Attempt);
            Assert.Equal([1], await resultStore.ListAttemptsAsync("restart", hash));
        }
    }
}
