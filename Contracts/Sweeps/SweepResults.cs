using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Trials;

namespace Orchestrator.Contracts.Sweeps;

/// <summary>One trial's row in the results: <see cref="Objective"/> is the value of the sweep's objective metric, <see cref="Metrics"/>
/// every final metric by its declared name (NaN and absent: not reported).</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.trial-row")]
public sealed record TrialRow(
    [property: Id(0)] string ConfigHash,
    [property: Id(1)] string GroupHash,
    [property: Id(2)] long Seed,
    [property: Id(3)] TrialStatus Status,
    [property: Id(4)] int Attempt,
    [property: Id(5)] double Objective,
    [property: Id(6)] IReadOnlyDictionary<string, double> Metrics,
    [property: Id(7)] string? Reason,
    [property: Id(8)] IReadOnlyDictionary<string, ParamValue> Parameters,
    [property: Id(9)] string? Worker = null,
    [property: Id(10)] DateTimeOffset? StartedAt = null,
    [property: Id(11)] DateTimeOffset? FinishedAt = null)
{
    /// <summary>The final metric of that name; NaN when the trial did not report it.</summary>
    public double Metric(string name) => Metrics.TryGetValue(name, out var value) ? value : double.NaN;
}

/// <summary>
/// A config group (same parameters, different seeds): the objective's mean ± standard error over its completed seeds,
/// and the mean of every final metric.
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.group-row")]
public sealed record GroupRow(
    [property: Id(0)] string GroupHash,
    [property: Id(1)] IReadOnlyDictionary<string, ParamValue> Parameters,
    [property: Id(2)] int Seeds,
    [property: Id(3)] int Completed,
    [property: Id(4)] double Mean,
    [property: Id(5)] double Sem,
    [property: Id(6)] IReadOnlyDictionary<string, double> MetricMeans);

/// <summary>
/// Results of a sweep: per trial and aggregated per config group; Searched names the varied parameters,
/// <see cref="Objective"/> the metric trials are compared by and <see cref="Metrics"/> the workload's final metrics
/// (objective first), for column headings.
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.sweep-results")]
public sealed record SweepResults(
    [property: Id(0)] SweepStatus Status,
    [property: Id(1)] IReadOnlyList<string> Searched,
    [property: Id(2)] IReadOnlyList<TrialRow> Trials,
    [property: Id(3)] IReadOnlyList<GroupRow> Groups,
    [property: Id(4)] MetricColumn Objective,
    [property: Id(5)] IReadOnlyList<MetricColumn> Metrics);
