using Orchestrator.Protocol;
using Orchestrator.Workloads;

namespace Orchestrator.Training.Workloads;

/// <summary>The per-epoch metrics of the free-form-flow trainer, as <see cref="TrainingEvents"/> reports them (fff-sbi, fff-bg).</summary>
public static class FreeFormFlowEpochMetrics
{
    public static IReadOnlyList<MetricDefinition> All { get; } =
    [
        new(CommonMetrics.TrainLoss, "free-form flow loss: surrogate NLL + β · reconstruction", MetricGoal.Minimize, MetricScope.Epoch) { Label = "loss" },
        new(CommonMetrics.ValNll, "exact validation negative log-likelihood (encoder log-det)", MetricGoal.Minimize, MetricScope.Epoch) { Label = "val NLL" },
        new(TrainingEvents.ValReconstruction, "validation reconstruction error", MetricGoal.Minimize, MetricScope.Epoch) { Label = "val recon" },
        new(CommonMetrics.Lr, "learning rate of the epoch's last step", MetricGoal.Minimize, MetricScope.Epoch),
        new(CommonMetrics.StepSeconds, "mean wall-clock seconds per training step", MetricGoal.Minimize, MetricScope.Epoch) { Label = "s/step" },
        new(CommonMetrics.SkippedBatches, "batches skipped for a non-finite loss", MetricGoal.Minimize, MetricScope.Epoch) { Label = "skipped" },
    ];
}
