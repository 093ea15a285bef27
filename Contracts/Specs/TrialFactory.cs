namespace Orchestrator.Contracts.Specs;

/// <summary>
/// Builds a trial from a configuration and a seed: the workload's defaults, then the fixed values, then the searched
/// values, every value coerced to its parameter's type, so equal configurations hash equally whether a spec spells a
/// default out or not.
/// </summary>
internal sealed class TrialFactory
{
    private readonly SweepSpec _spec;
    private readonly Dictionary<string, ParameterDefinition> _definitions;
    private readonly Dictionary<string, ParamValue> _baseline = new(StringComparer.Ordinal);

    public TrialFactory(SweepSpec spec, WorkloadRegistry workloads)
    {
        _spec = spec;
        var workload = workloads.Get(spec.Workload);
        _definitions = workload.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var parameter in workload.Parameters)
        {
            if (parameter.Default is { } value)
                _baseline[parameter.Name] = value;
        }
        foreach (var (name, value) in spec.Fixed)
            _baseline[name] = value;
        foreach (var name in _baseline.Keys.ToList())
            _baseline[name] = Coerce(name, _baseline[name]);
    }

    /// <summary>Searched dimensions in ordinal name order: the order of grid axes and of random draws.</summary>
    public IReadOnlyList<KeyValuePair<string, SearchDimension>> Dimensions =>
        [.. _spec.Search.OrderBy(p => p.Key, StringComparer.Ordinal)];

    public IReadOnlyList<long> Seeds => _spec.Seeds;

    public int? MaxTrials => _spec.Limits.MaxTrials;

    public ParamValue Coerce(string name, ParamValue value) =>
        _definitions.TryGetValue(name, out var definition) && definition.Coerce(value) is { } typed ? typed : value;

    /// <summary>The configuration's parameters (seed not yet set) and its group hash.</summary>
    public (Dictionary<string, ParamValue> Parameters, string GroupHash) Configure(IEnumerable<KeyValuePair<string, ParamValue>> configuration)
    {
        var parameters = new Dictionary<string, ParamValue>(_baseline, StringComparer.Ordinal);
        foreach (var (name, value) in configuration)
            parameters[name] = Coerce(name, value);
        return (parameters, SpecCanonical.Hash(SpecCanonical.WriteParameters(_spec.Workload, parameters)));
    }

    public TrialSpec Trial(long index, IReadOnlyDictionary<string, ParamValue> configured, string groupHash, long seed)
    {
        var withSeed = new Dictionary<string, ParamValue>(configured, StringComparer.Ordinal)
        {
            [WorkloadDescriptor.SeedParameter] = ParamValue.Of(seed),
        };
        return new TrialSpec
        {
            Index = checked((int)index), ConfigHash = SpecCanonical.Hash(SpecCanonical.WriteParameters(_spec.Workload, withSeed)),
            GroupHash = groupHash, Seed = seed, Parameters = withSeed, Workload = _spec.Workload,
        };
    }
}
