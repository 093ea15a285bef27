namespace Orchestrator.Contracts.Specs;

/// <summary>
/// A sweep's objective resolved against its workload: the declared metric (its final definition when it has one, else
/// its per-epoch one), the direction, and whether the workload reports it per epoch (what schedulers compare).
/// </summary>
public sealed record Objective(MetricDefinition Metric, bool Minimize, bool PerEpoch)
{
    /// <summary>The spec's objective, or the workload's primary metric in its declared direction; null when the spec names
    /// a metric the workload does not declare (the validator reports it).</summary>
    public static Objective? Of(SweepSpec spec, WorkloadDescriptor workload)
    {
        var name = spec.Objective?.Metric is { Length: > 0 } given ? given : workload.PrimaryMetric.Name;
        var metric = workload.FindMetric(name, MetricScope.Final) ?? workload.FindMetric(name, MetricScope.Epoch);
        if (metric is null)
            return null;
        var minimize = spec.Objective?.Direction switch
        {
            "min" => true,
            "max" => false,
            _ => metric.Goal == MetricGoal.Minimize,
        };
        return new Objective(metric, minimize, workload.FindMetric(name, MetricScope.Epoch) is not null);
    }

    /// <summary>What a scheduler compares: scheduler.metric's per-epoch definition in its declared direction when the spec
    /// names one, else the objective; null when the named metric is not reported per epoch (the validator reports it).</summary>
    public static Objective? OfScheduler(SweepSpec spec, WorkloadDescriptor workload)
    {
        if (spec.Scheduler?.Metric is not { } name)
            return Of(spec, workload);
        return workload.FindMetric(name, MetricScope.Epoch) is { } metric ? new Objective(metric, metric.Goal == MetricGoal.Minimize, PerEpoch: true) : null;
    }

    public string Name => Metric.Name;

    /// <summary>The value as a loss (smaller is better): policies and samplers always minimise.</summary>
    public double Loss(double value) => Minimize ? value : -value;
}
