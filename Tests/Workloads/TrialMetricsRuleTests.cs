using Orchestrator.Training.Workloads.FffSbi;

namespace Orchestrator.Tests.Workloads;

/// <summary>
/// The one rule for a finished trial's metrics (ranking, TPE, checkpoint policies and reports read them): its final
/// metrics, plus the last epoch's value of each metric the workload reports only per epoch.
/// </summary>
public sealed class TrialMetricsRuleTests
{
    [Fact]
    public void A_metric_reported_only_per_epoch_takes_the_last_epochs_value_and_final_metrics_stay()
    {
        var metrics = QuadraticWorkload.Definition.TrialMetrics(
            new Dictionary<string, double> { ["loss"] = 0.25 }, new Dictionary<string, double> { ["trainLoss"] = 0.5 });

        Assert.Equal(new Dictionary<string, double> { ["loss"] = 0.25, ["trainLoss"] = 0.5 }, metrics);
        Assert.Equal(new Dictionary<string, double> { ["loss"] = 0.25 }, QuadraticWorkload.Definition.TrialMetrics(
            new Dictionary<string, double> { ["loss"] = 0.25 }, null));
    }

    [Fact]
    public void A_metric_declared_final_never_takes_an_epochs_value_even_when_the_final_one_is_missing()
    {
        // fff-sbi's per-epoch valNll is on z-scored θ; its final valNll is in θ's units: a missing final stays missing.
        var metrics = FffSbiDescriptor.Instance.TrialMetrics(new Dictionary<string, double> { ["c2st"] = 0.61 },
            new Dictionary<string, double> { ["valNll"] = -3.5, ["trainLoss"] = 1.25 });

        Assert.Equal(new Dictionary<string, double> { ["c2st"] = 0.61, ["trainLoss"] = 1.25 }, metrics);
    }
}
