using System.Text.Json;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Grains.Storage;
using Orchestrator.Tests.Infrastructure;

namespace Orchestrator.Tests.Orchestration;

/// <summary>A trial's log and metrics through the SDK, and <c>rm</c>: a deleted sweep leaves nothing and frees its name.</summary>
public sealed class TrialOutputsAndDeleteTests
{
    [Fact]
    public async Task A_finished_trial_s_log_and_metrics_are_readable_and_rm_removes_the_sweep_with_its_results()
    {
        using var store = new TempFolder();
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store.Path, slotsPerSilo: 2);
        await cluster.Client.SubmitAsync(OrchestratorTestCluster.TinySpec("doomed", search: "beta: [5, 25]", seeds: "[1]", epochs: 3));
        var results = await cluster.RunToEndAsync("doomed", TimeSpan.FromMinutes(3));
        Assert.Equal(2, results.Status.Completed);
        var trial = results.Trials[0].ConfigHash;

        // The worker stores an attempt's log right after reporting its end: wait for it.
        var log = await cluster.Client.GetTrialLogAsync("doomed", trial);
        for (var wait = 0; wait < 100 && !log.Any(l => l.Contains(" ended ", StringComparison.Ordinal)); wait++)
        {
            await Task.Delay(100);
            log = await cluster.Client.GetTrialLogAsync("doomed", trial);
        }
        var metrics = await cluster.Client.GetTrialMetricsAsync("doomed", trial);

        // The attempt's header, the host's events in order, the end; every line timestamped.
        Assert.StartsWith("training, attempt 1, on worker ", log[0][24..], StringComparison.Ordinal);
        Assert.Contains(log, l => l.Contains("started the request", StringComparison.Ordinal));
        Assert.Contains(log, l => l.EndsWith(" completed", StringComparison.Ordinal));
        Assert.Contains("ended completed after ", log[^1], StringComparison.Ordinal);
        Assert.All(log, l => Assert.True(DateTimeOffset.TryParse(l[..23], out _), l));
        Assert.Equal([1, 2, 3], metrics.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("epoch").GetInt32()));

        await cluster.Client.DeleteAsync("doomed");

        Assert.Empty(await cluster.Client.ListAsync());
        Assert.Empty(await new LocalDirectoryResultStore(Path.Combine(store.Path, "results")).ListSweepsAsync());
        await Assert.ThrowsAsync<KeyNotFoundException>(() => cluster.Client.DeleteAsync("doomed"));
        // The name is free again: a different spec under it is a new sweep, not a refused one.
        var again = await cluster.Client.SubmitAsync(OrchestratorTestCluster.TinySpec("doomed", search: "beta: [1]", seeds: "[1]", epochs: 1));
        Assert.Equal(1, again.Total);
        Assert.Equal(SweepPhase.Running, again.Phase);
        Assert.Equal(0, again.Completed);
    }
}
