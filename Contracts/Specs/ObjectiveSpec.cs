namespace Orchestrator.Contracts.Specs;

/// <summary>
/// What a sweep optimises: a metric the workload declares (per epoch or final), its direction and the fidelity axis
/// schedulers compare trials along. Absent from a spec: the workload's primary metric, in its declared direction.
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.specs.ObjectiveSpec")]
public sealed record ObjectiveSpec
{
    /// <summary>The only fidelity axis workloads report along: finished epochs.</summary>
    public const string Epochs = "epochs";

    [Id(0)] public string Metric { get; init; } = "";
    /// <summary>"min" or "max"; null takes the metric's declared goal.</summary>
    [Id(1)] public string? Direction { get; init; }
    [Id(2)] public string Fidelity { get; init; } = Epochs;
}
