namespace Orchestrator.Contracts.Specs;

/// <summary>How a sweep stops trials early: never (fifo), asynchronous successive halving, Hyperband, median stopping.</summary>
[GenerateSerializer, Alias("orchestrator.specs.SchedulerKind")]
public enum SchedulerKind
{
    /// <summary>Every trial runs to the end (the default).</summary>
    Fifo = 0,
    /// <summary>Asynchronous successive halving: at each rung a trial continues when it is in the top 1/η so far.</summary>
    Asha = 1,
    /// <summary>Several ASHA brackets with growing minimum epochs; trials are dealt to brackets in turn.</summary>
    Hyperband = 2,
    /// <summary>Stop a trial whose best value is worse than the median of the others' running means at the same epoch.</summary>
    Median = 3,
}

/// <summary>
/// The early-stopping policy of a sweep and its settings (resource = epochs). Rungs of ASHA are at
/// minEpochs·η^k below maxEpochs; no trial is stopped before <see cref="GraceEpochs"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.specs.SchedulerSpec")]
public sealed record SchedulerSpec
{
    [Id(0)] public SchedulerKind Kind { get; init; } = SchedulerKind.Fifo;
    /// <summary>The first rung (ASHA, Hyperband's first bracket).</summary>
    [Id(1)] public int MinEpochs { get; init; } = 1;
    /// <summary>The full budget of a trial; null: the trials' <c>epochs</c> parameter.</summary>
    [Id(2)] public int? MaxEpochs { get; init; }
    /// <summary>η: the fraction 1/η of trials at a rung continues.</summary>
    [Id(3)] public int ReductionFactor { get; init; } = 3;
    /// <summary>No trial is stopped before this many epochs.</summary>
    [Id(4)] public int GraceEpochs { get; init; } = 1;
    /// <summary>Hyperband: the number of ASHA brackets.</summary>
    [Id(5)] public int Brackets { get; init; } = 3;
    /// <summary>Median stopping: how many other trials must have reached the epoch before one is judged.</summary>
    [Id(6)] public int MinSamples { get; init; } = 3;
    /// <summary>
    /// Searched parameters whose values split the trials into separate competitions (e.g. task and budget: a val NLL
    /// ranks trials of one task and budget only); empty: all trials compete.
    /// </summary>
    [Id(7)] public IReadOnlyList<string> GroupBy { get; init; } = [];
    /// <summary>
    /// The per-epoch metric rungs compare (in its declared direction); null: the objective. Lets a sweep rank finished
    /// trials by an expensive final metric (C2ST) while stopping on a cheap per-epoch one (val NLL).
    /// </summary>
    [Id(8)] public string? Metric { get; init; }

    public static SchedulerSpec Fifo { get; } = new();

    // Structural equality: the list member would otherwise compare by reference.
    public bool Equals(SchedulerSpec? other) => other is not null
        && Kind == other.Kind && MinEpochs == other.MinEpochs && MaxEpochs == other.MaxEpochs && ReductionFactor == other.ReductionFactor
        && GraceEpochs == other.GraceEpochs && Brackets == other.Brackets && MinSamples == other.MinSamples && GroupBy.SequenceEqual(other.GroupBy) && Metric == other.Metric;

    public override int GetHashCode() => HashCode.Combine(Kind, MinEpochs, MaxEpochs, ReductionFactor, GraceEpochs, Brackets, MinSamples, GroupBy.Count);
}
