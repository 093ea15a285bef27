namespace Orchestrator.Contracts.Specs;

/// <summary>
/// One trial of an expanded sweep. <see cref="Parameters"/> is complete: the workload's defaults, then the fixed
/// values, then the searched values, then <c>seed</c>. <see cref="ConfigHash"/> identifies the exact configuration
/// (seed included); <see cref="GroupHash"/> the configuration without its seed, the group seeds aggregate over.
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.specs.TrialSpec")]
public sealed record TrialSpec
{
    /// <summary>Position in expansion order, 0-based.</summary>
    [Id(0)] public int Index { get; init; }
    [Id(1)] public string ConfigHash { get; init; } = "";
    [Id(2)] public string GroupHash { get; init; } = "";
    [Id(3)] public long Seed { get; init; }
    [Id(4)] public IReadOnlyDictionary<string, ParamValue> Parameters { get; init; } = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
    [Id(5)] public string Workload { get; init; } = "";

    /// <summary>The parameters without the seed, in name order: "beta=25 task=two_moons".</summary>
    public string Describe() => string.Join(' ', Parameters
        .Where(p => p.Key != WorkloadDescriptor.SeedParameter)
        .OrderBy(p => p.Key, StringComparer.Ordinal)
        .Select(p => $"{p.Key}={p.Value}"));

    // The config hash covers workload and every parameter, so it stands in for the dictionary here.
    public bool Equals(TrialSpec? other) => other is not null
        && Index == other.Index && ConfigHash == other.ConfigHash && GroupHash == other.GroupHash
        && Seed == other.Seed && Workload == other.Workload;

    public override int GetHashCode() => HashCode.Combine(Index, ConfigHash);
}
