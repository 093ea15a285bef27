using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Trials;

namespace Orchestrator.Contracts.Sweeps;

/// <summary>One trial's row in the results.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.trial-row")]
public sealed record TrialRow(
    [property: Id(0)] string ConfigHash,
    [property: Id(1)] string GroupHash,
    [property: Id(2)] long Seed,
    [property: Id(3)] TrialStatus Status,
    [property: Id(4)] int Attempt,
    [property: Id(5)] double MeanC2st,
    [property: Id(6)] double ValidationNll,
    [property: Id(7)] string? Reason,
    [property: Id(8)] IReadOnlyDictionary<string, ParamValue> Parameters,
    [property: Id(9)] string? Worker = null,
    [property: Id(10)] DateTimeOffset? StartedAt = null,
    [property: Id(11)] DateTimeOffset? FinishedAt = null);

/// <summary>A config group (same parameters, different seeds): mean ± standard error over its completed seeds.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.group-row")]
public sealed record GroupRow(
    [property: Id(0)] string GroupHash,
    [property: Id(1)] IReadOnlyDictionary<string, ParamValue> Parameters,
    [property: Id(2)] int Seeds,
    [property: Id(3)] int Completed,
    [property: Id(4)] double MeanC2st,
    [property: Id(5)] double SemC2st,
    [property: Id(6)] double MeanValidationNll);

/// <summary>Results of a sweep: per trial and aggregated per config group; Searched names the varied parameters.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.sweep-results")]
public sealed record SweepResults(
    [property: Id(0)] SweepStatus Status,
    [property: Id(1)] IReadOnlyList<string> Searched,
    [property: Id(2)] IReadOnlyList<TrialRow> Trials,
    [property: Id(3)] IReadOnlyList<GroupRow> Groups);
