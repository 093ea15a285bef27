namespace Orchestrator.Contracts.Specs;

/// <summary>The trials of a sweep in run order, and what the expansion dropped on the way.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.specs.SweepExpansion")]
public sealed record SweepExpansion
{
    [Id(0)] public IReadOnlyList<TrialSpec> Trials { get; init; } = [];
    /// <summary>Trials the strategy produced before deduplication and the cap (configurations × seeds).</summary>
    [Id(1)] public int Planned { get; init; }
    /// <summary>Trials dropped because an earlier one had the same <see cref="TrialSpec.ConfigHash"/>.</summary>
    [Id(2)] public int DuplicatesRemoved { get; init; }
    /// <summary>Distinct trials dropped by <see cref="LimitsSpec.MaxTrials"/> (the last ones in order).</summary>
    [Id(3)] public int TruncatedBy { get; init; }

    public bool Truncated => TruncatedBy > 0;

    /// <summary>Number of distinct configuration groups (seeds aggregated) among <see cref="Trials"/>.</summary>
    public int GroupCount => Trials.Select(t => t.GroupHash).Distinct(StringComparer.Ordinal).Count();
}
