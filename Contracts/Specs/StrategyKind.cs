namespace Orchestrator.Contracts.Specs;

/// <summary>How the search space becomes trials.</summary>
[GenerateSerializer, Alias("orchestrator.specs.StrategyKind")]
public enum StrategyKind
{
    /// <summary>Cartesian product of every dimension.</summary>
    Grid = 0,
    /// <summary><see cref="StrategySpec.Samples"/> seeded draws from the dimensions.</summary>
    Random = 1,
    /// <summary>Tree-structured Parzen estimator: <see cref="StrategySpec.Startup"/> seeded random draws, then each
    /// configuration drawn where good results are dense, from the results so far.</summary>
    Tpe = 2,
}
