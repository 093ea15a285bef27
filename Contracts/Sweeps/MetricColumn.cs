namespace Orchestrator.Contracts.Sweeps;

/// <summary>
/// A final metric as result tables show it: its declared name (CSV and JSON key), its label (column heading) and its
/// direction. Results carry these so a client labels columns without knowing the workload.
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.metric-column")]
public sealed record MetricColumn([property: Id(0)] string Name, [property: Id(1)] string Label, [property: Id(2)] bool Minimize)
{
    public static MetricColumn Of(MetricDefinition metric) => new(metric.Name, metric.Label, metric.Goal == MetricGoal.Minimize);

    /// <summary>The sweep's objective, in the spec's direction.</summary>
    public static MetricColumn Of(Specs.Objective objective) => new(objective.Name, objective.Metric.Label, objective.Minimize);

    /// <summary>Values ordered best first (non-finite last).</summary>
    public double SortKey(double value) => !double.IsFinite(value) ? double.PositiveInfinity : Minimize ? value : -value;
}
