namespace Orchestrator.Contracts.Specs;

/// <summary>Caps on a sweep: the number of trials (first ones in expansion order) and the wall-clock budget.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.specs.LimitsSpec")]
public sealed record LimitsSpec
{
    [Id(0)] public int? MaxTrials { get; init; }
    [Id(1)] public TimeSpan? TimeBudget { get; init; }
}
