namespace Orchestrator.Contracts.Specs;

/// <summary>
/// Grid, random (a number of samples and the seed of the sampler, not of the trials) or TPE (a number of
/// configurations, the sampler's seed and how many of them are random draws before the model takes over).
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.specs.StrategySpec")]
public sealed record StrategySpec
{
    [Id(0)] public StrategyKind Kind { get; init; } = StrategyKind.Grid;
    /// <summary>Random search and TPE: the number of configurations drawn (each is then run once per seed).</summary>
    [Id(1)] public int Samples { get; init; }
    /// <summary>TPE: configurations drawn at random before the estimator is used.</summary>
    [Id(3)] public int Startup { get; init; }
    /// <summary>Random search and TPE: seeds the sampler, so the same spec (and, for TPE, the same results) draws the same configurations.</summary>
    [Id(2)] public long Seed { get; init; }

    public static StrategySpec Grid { get; } = new();

    public static StrategySpec Random(int samples, long seed = 0) => new() { Kind = StrategyKind.Random, Samples = samples, Seed = seed };

    /// <summary>The default startup: 10 random draws, or all of them for fewer than 10 configurations.</summary>
    public static StrategySpec Tpe(int samples, long seed = 0, int? startup = null) =>
        new() { Kind = StrategyKind.Tpe, Samples = samples, Seed = seed, Startup = startup ?? Math.Min(10, samples) };
}
