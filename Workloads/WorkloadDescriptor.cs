namespace Orchestrator.Workloads;

/// <summary>
/// Everything the orchestrator needs to know about a workload without running it: its name, the parameters it
/// accepts (declared once, with types, ranges, defaults and help) and the metrics it reports. Spec validation and
/// expansion, the trial host, the generated CLI commands and reports all read this one table.
/// </summary>
public sealed class WorkloadDescriptor
{
    private readonly Dictionary<string, ParameterDefinition> _byName;

    /// <param name="name">The name specs use in <c>workload:</c>, e.g. "fff-sbi".</param>
    /// <param name="summary">One line: what a trial of this workload does.</param>
    /// <param name="parameters">Every parameter (not <c>seed</c>, which every workload has).</param>
    /// <param name="metrics">Per-epoch and final metrics; the first final one is the <see cref="PrimaryMetric"/>. A name may
    /// appear once per scope (a validation NLL per epoch and at the end).</param>
    public WorkloadDescriptor(string name, string summary, IReadOnlyList<ParameterDefinition> parameters, IReadOnlyList<MetricDefinition> metrics)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Summary = summary;
        Parameters = parameters;
        Metrics = metrics;
        _byName = parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        if (_byName.ContainsKey(SeedParameter))
            throw new ArgumentException($"Workload {name} must not define '{SeedParameter}': every workload has it.");
        PrimaryMetric = metrics.FirstOrDefault(m => m.Scope == MetricScope.Final)
            ?? throw new ArgumentException($"Workload {name} declares no final metric to judge its trials by.");
        if (metrics.GroupBy(m => (m.Name, m.Scope)).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"Workload {name} declares the {twice.Key.Scope} metric '{twice.Key.Name}' twice.");
    }

    /// <summary>The parameter every workload has: seeds come from the spec's <c>seeds</c>.</summary>
    public const string SeedParameter = "seed";

    public string Name { get; }

    public string Summary { get; }

    public IReadOnlyList<ParameterDefinition> Parameters { get; }

    public IReadOnlyList<MetricDefinition> Metrics { get; }

    /// <summary>
    /// The final metric trials are compared and aggregated by unless a spec names another objective. Per-observation
    /// scores (evaluation shards) are values of this metric; the trial's value is their mean.
    /// </summary>
    public MetricDefinition PrimaryMetric { get; }

    /// <summary>Metrics reported once when a trial ends, primary first.</summary>
    public IEnumerable<MetricDefinition> FinalMetrics => Metrics.Where(m => m.Scope == MetricScope.Final);

    /// <summary>Metrics reported after every epoch.</summary>
    public IEnumerable<MetricDefinition> EpochMetrics => Metrics.Where(m => m.Scope == MetricScope.Epoch);

    /// <summary>The metric of that name and scope, or null.</summary>
    public MetricDefinition? FindMetric(string name, MetricScope scope) => Metrics.FirstOrDefault(m => m.Name == name && m.Scope == scope);

    public ParameterDefinition? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// A trial's metrics by the one rule that ranking, TPE, checkpoint policies, results and reports share: every final
    /// metric it reported, and for each metric this workload declares only per epoch, its value at the last epoch reported
    /// (so an objective such as a training loss ranks finished trials, not NaN). A metric declared final never takes an
    /// epoch's value, even when the final one is missing: fff-sbi's per-epoch valNll is on another scale than its final one.
    /// </summary>
    public Dictionary<string, double> TrialMetrics(IReadOnlyDictionary<string, double> final, IReadOnlyDictionary<string, double>? lastEpoch)
    {
        var metrics = new Dictionary<string, double>(final, StringComparer.Ordinal);
        foreach (var (name, value) in lastEpoch ?? new Dictionary<string, double>())
        {
            if (FindMetric(name, MetricScope.Final) is null)
                metrics[name] = value;
        }
        return metrics;
    }

    /// <summary>
    /// Null when this workload's trials cannot train as one pack (trial packing); else the parameters that members of a
    /// pack must share beyond the <see cref="ParameterDefinition.ChangesShape"/> ones (e.g. the batch size: members step
    /// together on [K, B, D] batches).
    /// </summary>
    public IReadOnlyList<string>? PackSharedParameters { get; init; }

    /// <summary>
    /// What one member of a pack with these parameters costs per step (<c>pack: auto</c> sizes packs by it); null when
    /// unknown (then auto packs only by the sweep's share per slot).
    /// </summary>
    public Func<IReadOnlyDictionary<string, ParamValue>, PackFootprint?>? PackFootprintOf { get; init; }

    /// <summary>True when trials of this workload can train as packs (a spec may set <c>resources.pack</c>).</summary>
    public bool Packable => PackSharedParameters is not null;

    /// <summary>
    /// Which pack a trial may join: its workload and the values of every parameter members must share, so two trials
    /// with the same key train as one fused model. Null when the workload is not <see cref="Packable"/>.
    /// </summary>
    public string? PackKey(IReadOnlyDictionary<string, ParamValue> parameters) => PackSharedParameters is { } shared
        ? string.Join('\u001f', Parameters.Where(p => p.ChangesShape).Select(p => p.Name).Concat(shared).Distinct().Order(StringComparer.Ordinal)
            .Select(name => $"{name}={(parameters.TryGetValue(name, out var v) ? v.ToCanonical() : "")}").Prepend(Name))
        : null;

    /// <summary>Every parameter with a default, at its default (what a trial gets for the parameters a spec leaves out).</summary>
    public IReadOnlyDictionary<string, ParamValue> Defaults() =>
        Parameters.Where(p => p.Default is not null).ToDictionary(p => p.Name, p => p.Default!, StringComparer.Ordinal);

    /// <summary>Null when <paramref name="value"/> is valid for the parameter <paramref name="name"/> (or <c>seed</c>); otherwise the problem.</summary>
    public string? Check(string name, ParamValue value)
    {
        if (name == SeedParameter)
            return value.IsIntegral && value.AsInt64() >= 0 ? null : $"expected an integer ≥ 0, got {ParameterDefinition.Show(value)}";
        return Find(name) is { } definition ? definition.Check(value) : UnknownParameterMessage(name);
    }

    /// <summary>"unknown parameter 'bta' for workload fff-sbi (did you mean 'beta'?); known: …".</summary>
    public string UnknownParameterMessage(string name)
    {
        var known = Parameters.Select(p => p.Name).ToList();
        var hint = Suggestions.Closest(name, known) is { } guess ? $" (did you mean '{guess}'?)" : "";
        return $"unknown parameter '{name}' for workload {Name}{hint}; known parameters: {string.Join(", ", known)}";
    }
}
