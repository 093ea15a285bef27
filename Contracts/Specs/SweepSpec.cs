namespace Orchestrator.Contracts.Specs;

/// <summary>
/// A sweep: which workload, which parameters are fixed, which are searched and how, seed repeats, evaluation,
/// resources, limits, the objective and the early-stopping scheduler. Built by <see cref="SweepSpecParser"/> from YAML or JSON, checked by
/// <see cref="SweepSpecValidator"/>, turned into trials by <see cref="SweepExpander"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.specs.SweepSpec")]
public sealed record SweepSpec
{
    /// <summary>1..64 characters from a-z, 0-9, '-', '_', '.'; names become blob paths.</summary>
    [Id(0)] public string Name { get; init; } = "";
    /// <summary>A name known to the <see cref="Orchestrator.Workloads.WorkloadRegistry"/>, e.g. "fff-sbi".</summary>
    [Id(1)] public string Workload { get; init; } = "";
    [Id(2)] public IReadOnlyDictionary<string, ParamValue> Fixed { get; init; } = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
    [Id(3)] public IReadOnlyDictionary<string, SearchDimension> Search { get; init; } = new Dictionary<string, SearchDimension>(StringComparer.Ordinal);
    [Id(4)] public StrategySpec Strategy { get; init; } = StrategySpec.Grid;
    /// <summary>Every configuration runs once per seed; results aggregate over seeds.</summary>
    [Id(5)] public IReadOnlyList<long> Seeds { get; init; } = [1];
    [Id(6)] public EvaluationSpec Evaluation { get; init; } = new();
    [Id(7)] public ResourceSpec Resources { get; init; } = new();
    [Id(8)] public LimitsSpec Limits { get; init; } = new();
    /// <summary>The metric trials are compared by; null: the workload's primary metric.</summary>
    [Id(9)] public ObjectiveSpec? Objective { get; init; }
    /// <summary>Early stopping; null: fifo (every trial runs to the end).</summary>
    [Id(10)] public SchedulerSpec? Scheduler { get; init; }
    /// <summary>Which checkpoints stay in the store (<see cref="CheckpointPolicy"/>); null: <c>last</c>.</summary>
    [Id(11)] public string? Checkpoints { get; init; }

    /// <summary>
    /// Sorted-key JSON of every field with defaults filled in: the same spec written with other key order,
    /// whitespace, number spelling (1 vs 1.0) or format (YAML vs JSON) gives the same text.
    /// </summary>
    public string ToCanonicalJson() => SpecCanonical.Write(this);

    /// <summary>First 16 hex digits of the SHA-256 of <see cref="ToCanonicalJson"/>: the idempotency key for submit.</summary>
    public string ContentHash() => SpecCanonical.Hash(ToCanonicalJson());

    // Structural equality through the canonical form: dictionaries and lists would otherwise compare by reference.
    public bool Equals(SweepSpec? other) => other is not null
        && (ReferenceEquals(this, other) || ToCanonicalJson() == other.ToCanonicalJson());

    public override int GetHashCode() => ToCanonicalJson().GetHashCode(StringComparison.Ordinal);
}
