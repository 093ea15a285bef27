namespace Orchestrator.Protocol;

/// <summary>
/// Metric names several workloads share. Workloads declare their metrics in their descriptors; the worker reads these
/// few from epoch events for its own telemetry (step time, skipped batches) when a workload reports them.
/// </summary>
public static class CommonMetrics
{
    public const string TrainLoss = "trainLoss";
    public const string ValNll = "valNll";
    public const string Lr = "lr";
    public const string StepSeconds = "stepSeconds";
    public const string SkippedBatches = "skippedBatches";
}
