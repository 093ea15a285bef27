namespace Orchestrator.Contracts.Specs;

/// <summary>Which sbibm observations every trial is scored on, split into <see cref="Shards"/> evaluation pieces.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.specs.EvaluationSpec")]
public sealed record EvaluationSpec
{
    /// <summary>The sbibm reference data has observations 1..10.</summary>
    public const int MaxObservation = 10;

    [Id(0)] public IReadOnlyList<int> Observations { get; init; } = [1, 2, 3, 4, 5];
    /// <summary>Number of evaluation shards per trial (1 ≤ shards ≤ number of observations).</summary>
    [Id(1)] public int Shards { get; init; } = 1;

    public bool Equals(EvaluationSpec? other) => other is not null
        && Shards == other.Shards && Observations.SequenceEqual(other.Observations);

    public override int GetHashCode() => HashCode.Combine(Shards, Observations.Count);
}
