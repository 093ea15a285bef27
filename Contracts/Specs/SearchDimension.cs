namespace Orchestrator.Contracts.Specs;

/// <summary>
/// The values one searched parameter takes. Lists and choices carry <see cref="Values"/>; uniform, log-uniform and
/// integer ranges carry <see cref="Low"/> and <see cref="High"/> (inclusive for integer ranges), integer ranges an
/// optional <see cref="Step"/>, continuous ones an optional <see cref="Count"/> of grid points.
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.specs.SearchDimension")]
public sealed record SearchDimension
{
    [Id(0)] public SearchKind Kind { get; init; }
    [Id(1)] public IReadOnlyList<ParamValue> Values { get; init; } = [];
    [Id(2)] public double Low { get; init; }
    [Id(3)] public double High { get; init; }
    /// <summary>Integer ranges: the stride (default 1).</summary>
    [Id(4)] public double? Step { get; init; }
    /// <summary>Uniform and log-uniform in grid search: the number of evenly (log-)spaced points, ends included.</summary>
    [Id(5)] public int? Count { get; init; }

    public static SearchDimension ListOf(params ParamValue[] values) => new() { Kind = SearchKind.List, Values = values };
    public static SearchDimension ChoiceOf(params ParamValue[] values) => new() { Kind = SearchKind.Choice, Values = values };
    public static SearchDimension Uniform(double low, double high, int? count = null) => new() { Kind = SearchKind.Uniform, Low = low, High = high, Count = count };
    public static SearchDimension LogUniform(double low, double high, int? count = null) => new() { Kind = SearchKind.LogUniform, Low = low, High = high, Count = count };
    public static SearchDimension IntRange(long low, long high, long? step = null) => new() { Kind = SearchKind.IntRange, Low = low, High = high, Step = step };

    public bool IsEnumerated => Kind is SearchKind.List or SearchKind.Choice;
    public bool IsContinuous => Kind is SearchKind.Uniform or SearchKind.LogUniform;

    /// <summary>The YAML key of this kind (<c>choice</c>, <c>uniform</c>, <c>loguniform</c>, <c>int</c>; lists have none).</summary>
    public string KeyName => Kind switch
    {
        SearchKind.Choice => "choice",
        SearchKind.Uniform => "uniform",
        SearchKind.LogUniform => "loguniform",
        SearchKind.IntRange => "int",
        _ => "",
    };

    // Structural equality: the list member would otherwise compare by reference.
    public bool Equals(SearchDimension? other) => other is not null
        && Kind == other.Kind && Values.SequenceEqual(other.Values)
        && Low.Equals(other.Low) && High.Equals(other.High) && Step.Equals(other.Step) && Count == other.Count;

    public override int GetHashCode() => HashCode.Combine(Kind, Values.Count, Low, High, Step, Count);
}
