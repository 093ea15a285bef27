using Orchestrator.Contracts.Storage;
using Orchestrator.Contracts.Trials;
using Orchestrator.Contracts.Workers;
using Orchestrator.Grains.Hosting;
using Orchestrator.Grains.Storage;
using Orchestrator.Tests.Infrastructure;

namespace Orchestrator.Tests.Orchestration;

/// <summary>A sweep of small real trials on a two-silo cluster whose grain state and results live in Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SweepOnClusterTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_sweep_on_two_silos_completes_with_one_result_blob_per_trial_and_aggregated_seeds()
    {
        var container = AzuriteFixture.NewContainerName("sweep");
        await using var cluster = await OrchestratorTestCluster.StartAsync(2, o =>
        {
            o.Storage = StorageKind.Azure;
            o.ConnectionString = azurite.ConnectionString;
            o.Container = container;
        });
        // 2 β × 2 seeds, two evaluation shards over two observations.
        var spec = OrchestratorTestCluster.TinySpec("two-silos", shards: 2, observations: "[1, 2]");

        await cluster.Client.SubmitAsync(spec);
        var results = await cluster.RunToEndAsync("two-silos", TimeSpan.FromMinutes(4));

        Assert.Equal(4, results.Trials.Count);
        Assert.All(results.Trials, t =>
        {
            Assert.Equal(TrialStatus.Completed, t.Status);
            Assert.InRange(t.Metric("c2st"), 0.5, 1.0);
            Assert.Equal(t.Metric("c2st"), t.Objective);
            Assert.True(double.IsFinite(t.Metric("valNll")));
        });
        var store = new BlobResultStore(new BlobStorageOptions { ConnectionString = azurite.ConnectionString, ContainerName = container });
        foreach (var trial in results.Trials)
            Assert.Equal([1], await store.ListAttemptsAsync("two-silos", trial.ConfigHash));
        var stored = await store.ListTrialResultsAsync("two-silos");
        Assert.Equal(4, stored.Count);

        Assert.Equal(2, results.Groups.Count);
        Assert.All(results.Groups, g =>
        {
            Assert.Equal(2, g.Seeds);
            Assert.Equal(2, g.Completed);
            var seeds = results.Trials.Where(t => t.GroupHash == g.GroupHash).Select(t => t.Objective).ToList();
            Assert.Equal(seeds.Average(), g.Mean, 12);
            Assert.Equal(Math.Abs(seeds[0] - seeds[1]) / 2, g.Sem, 12); // SEM of two values = |a − b| / 2
        });
        var summary = System.Text.Encoding.UTF8.GetString((await store.GetSummaryAsync("two-silos"))!);
        Assert.Equal(5, summary.Trim().Split('\n').Length); // header + 4 trials

        // Both silos' workers took part.
        var silos = cluster.Cluster.Silos.Select(s => s.SiloAddress).ToList();
        var done = await Task.WhenAll(cluster.Cluster.Silos.Select(s =>
            cluster.Grains.GetGrain<IWorkerGrain>($"{s.Name}/cpu0").GetStatusAsync()));
        Assert.All(done, w => Assert.True(w.ItemsDone > 0, $"{w.Id} ran nothing"));
        Assert.Equal(2, silos.Count);
    }
}
