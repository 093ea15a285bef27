namespace Orchestrator.Contracts.Specs;

/// <summary>How the search space becomes trials.</summary>
[GenerateSerializer, Alias("orchestrator.specs.StrategyKind")]
public enum StrategyKind
{
    /// <summary>Cartesian product of every dimension.</summary>
    Grid = 0,
    /// <summary><see cref="StrategySpec.Samples"/> seeded draws from the dimensions.</summary>
    Random = 1,
}
