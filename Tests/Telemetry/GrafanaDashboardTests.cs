using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orchestrator.Training.Data;

namespace Orchestrator.Tests.Telemetry;

/// <summary>infra/observability holds configuration that matches the code: the dashboard's metric names, Prometheus' config.</summary>
public sealed partial class GrafanaDashboardTests
{
    private static string Infra => Path.Combine(DataLocator.FindRepositoryRoot(AppContext.BaseDirectory)!, "infra", "observability");

    [Fact]
    public void The_dashboard_queries_only_metric_names_the_silos_emit()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Infra, "grafana", "orchestrator-dashboard.json")));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
        var referenced = expressions.SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
        var emitted = PrometheusNames.OfOrchestratorInstruments();

        Assert.True(expressions.Count >= 11, $"only {expressions.Count} queries");
        Assert.Empty(referenced.Except(emitted));
        // Every panel the issue asks for has its metric.
        foreach (var needed in new[] { "orchestrator_trials", "orchestrator_trials_finished_total", "orchestrator_queue_depth", "orchestrator_workers",
                     "orchestrator_training_step_duration_seconds_bucket", "orchestrator_evaluation_duration_seconds_bucket", "orchestrator_objective_sum" })
            Assert.Contains(needed, referenced);
    }

    [Fact]
    public void Prometheus_accepts_the_scrape_configuration()
    {
        using var check = PrometheusServer.StartTool("promtool", ["check", "config", Path.Combine(Infra, "prometheus.yml")]);
        var output = check.StandardOutput.ReadToEnd() + check.StandardError.ReadToEnd();
        check.WaitForExit();
        Assert.True(check.ExitCode == 0, output);
        Assert.Contains("SUCCESS", output);
    }

    [GeneratedRegex(@"\borchestrator_[a-z0-9_]+")]
    private static partial Regex MetricName();
}
