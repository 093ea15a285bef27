namespace Orchestrator.Contracts.Specs;

/// <summary>Grid, or random with a number of samples and the seed of the sampler (not of the trials).</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.specs.StrategySpec")]
public sealed record StrategySpec
{
    [Id(0)] public StrategyKind Kind { get; init; } = StrategyKind.Grid;
    /// <summary>Random search: the number of configurations drawn (each is then run once per seed).</summary>
    [Id(1)] public int Samples { get; init; }
    /// <summary>Random search: seeds the sampler, so the same spec always draws the same configurations.</summary>
    [Id(2)] public long Seed { get; init; }

    public static StrategySpec Grid { get; } = new();

    public static StrategySpec Random(int samples, long seed = 0) => new() { Kind = StrategyKind.Random, Samples = samples, Seed = seed };
}
