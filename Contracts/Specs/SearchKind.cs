namespace Orchestrator.Contracts.Specs;

/// <summary>How a searched parameter's values are given.</summary>
[GenerateSerializer, Alias("orchestrator.specs.SearchKind")]
public enum SearchKind
{
    /// <summary>A plain list <c>[1, 5, 25]</c>: enumerated in grid search, drawn uniformly in random search.</summary>
    List = 0,
    /// <summary><c>{ choice: [a, b] }</c>: same behaviour as a list; says "categorical" explicitly.</summary>
    Choice = 1,
    /// <summary><c>{ uniform: [low, high] }</c>, grid needs <c>count</c> (evenly spaced points).</summary>
    Uniform = 2,
    /// <summary><c>{ loguniform: [low, high] }</c> with 0 &lt; low, grid needs <c>count</c> (log-spaced points).</summary>
    LogUniform = 3,
    /// <summary><c>{ int: [low, high], step: s }</c>: integers low, low+s, … ≤ high (inclusive).</summary>
    IntRange = 4,
}
