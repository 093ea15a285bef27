using Orchestrator.Grains.Telemetry;
using Orchestrator.Tests.Orchestration;
using Orchestrator.Tests.Infrastructure;

namespace Orchestrator.Tests.Telemetry;

/// <summary>A real Prometheus scrapes a running silo's /metrics endpoint; its query API shows the sweep's numbers.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class PrometheusScrapeTests
{
    [Fact]
    public async Task Prometheus_scraping_a_silo_finds_the_completed_trials()
    {
        var metricsPort = LoopbackPorts.Free();
        var store = Directory.CreateTempSubdirectory("orchestrator-scrape-").FullName;
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o =>
        {
            o.LocalPath = store;
            o.Telemetry = new TelemetryOptions { PrometheusPort = metricsPort };
        }, slotsPerSilo: 2);
        using var prometheus = new PrometheusServer($"127.0.0.1:{metricsPort}");
        await cluster.Client.SubmitAsync(OrchestratorTestCluster.TinySpec("scraped", search: "beta: [5, 25]", seeds: "[1]"));
        Assert.Equal(2, (await cluster.RunToEndAsync("scraped", TimeSpan.FromMinutes(3))).Status.Completed);

        double? completed = null, finished = null, queued = null;
        for (var waited = 0; waited < 30_000 && (completed != 2 || finished != 2 || queued != 0); waited += 500)
        {
            await Task.Delay(500);
            completed = await prometheus.QueryAsync("sum(orchestrator_trials{state=\"completed\"})");
            finished = await prometheus.QueryAsync("sum(orchestrator_trials_finished_total{outcome=\"completed\",workload=\"fff-sbi\"})");
            queued = await prometheus.QueryAsync("sum(orchestrator_queue_depth)");
        }
        Assert.Equal(2, completed);
        Assert.Equal(2, finished);
        Assert.Equal(0, queued);
        Assert.Equal(4, await prometheus.QueryAsync("sum(orchestrator_training_step_duration_seconds_count)")); // 2 trials × 2 epochs

        // The page itself: every orchestrator series it shows is one the dashboard test knows (the name mapping holds).
        using var http = new HttpClient();
        var page = await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");
        var series = page.Split('\n').Where(l => l.StartsWith("orchestrator_", StringComparison.Ordinal))
            .Select(l => l[..l.IndexOfAny(['{', ' '])]).ToHashSet();
        Assert.Contains("orchestrator_trials_finished_total", series);
        Assert.Empty(series.Except(PrometheusNames.OfOrchestratorInstruments()));
        Assert.Contains("orleans", page);
    }

}
