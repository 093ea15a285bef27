using Orchestrator.Contracts.Scheduling;

namespace Orchestrator.Contracts.Specs;

/// <summary>
/// TPE as a stream of trials: each configuration is drawn by <see cref="TpeSampler"/> when the sweep asks for it (at
/// lease time) from the results observed so far (completed trials, and trials stopped early ranked below them), with
/// every configuration without such a result (running, failed) passed as pending, so parallel workers never get the same
/// configuration; it then runs once per seed
/// (seeds innermost). Draw k of a configuration is sampler draw k (retries of a duplicate after coercion add a
/// sub-number), and the sampler sees its history in trial-index order, so the same completion order gives the same
/// configurations, and a source rebuilt from the started trials (<see cref="Restore(IReadOnlyList{StartedTrial})"/>)
/// continues the same sequence. Capped exactly by limits.maxTrials.
/// </summary>
public sealed class TpeTrialSource : IAdaptiveTrialSource
{
    // Retries of a draw whose coerced configuration was drawn before (e.g. [5, 5.0]); each is a distinct sampler draw.
    private const int DrawRetries = 100;

    private readonly TrialFactory _factory;
    private readonly IReadOnlyList<KeyValuePair<string, SearchDimension>> _dimensions;
    private readonly IReadOnlyList<long> _seeds;
    private readonly TpeSampler _sampler;
    private readonly long _configurationLimit;
    private readonly long _cap;
    private readonly List<Configuration> _configurations = [];
    private readonly HashSet<string> _groupHashes = new(StringComparer.Ordinal);
    // Trial index → its configuration's position; completed and stopped trials' results by index (the sampler's history, in index order).
    private readonly Dictionary<long, int> _configurationOf = [];
    private readonly SortedDictionary<long, (double Loss, int? StoppedAt)> _results = [];
    private int _nextSeed;
    private bool _usedUp;

    internal TpeTrialSource(TrialFactory factory, StrategySpec strategy, bool capped = true)
    {
        _factory = factory;
        _dimensions = factory.Dimensions;
        _seeds = factory.Seeds;
        _sampler = new TpeSampler(_dimensions, strategy.Seed, strategy.Startup);
        _configurationLimit = (long)Math.Min(Math.Max(0, strategy.Samples), SpaceSize(_dimensions));
        var planned = _configurationLimit * _seeds.Count;
        _cap = capped && factory.MaxTrials is { } max ? Math.Min(max, planned) : planned;
        Planned = _cap;
    }

    public long Planned { get; }

    public long Produced { get; private set; }

    public long DuplicatesSkipped { get; private set; }

    public long Expected => Exhausted ? Produced : Planned;

    public bool Exhausted => Produced >= _cap || (!SeedsLeft && (_configurations.Count >= _configurationLimit || _usedUp));

    private bool SeedsLeft => _configurations.Count > 0 && _nextSeed < _seeds.Count;

    public TrialSpec? Next()
    {
        if (Exhausted || (!SeedsLeft && !Draw()))
            return null;
        var configuration = _configurations.Count - 1;
        var (parameters, groupHash) = (_configurations[configuration].Parameters, _configurations[configuration].GroupHash);
        var trial = _factory.Trial(Produced, parameters, groupHash, _seeds[_nextSeed++]);
        _configurationOf[Produced++] = configuration;
        return trial;
    }

    /// <summary>Only a fresh source positioned at 0: TPE continues from its history (<see cref="Restore(IReadOnlyList{StartedTrial})"/>).</summary>
    public void Restore(long produced)
    {
        if (produced > Produced)
            throw new InvalidOperationException("A TPE source continues from the trials it started: restore it with their history.");
    }

    public void Restore(IReadOnlyList<StartedTrial> started)
    {
        foreach (var trial in started.OrderBy(t => t.Index))
        {
            Produced = Math.Max(Produced, trial.Index + 1);
            // A trial whose configuration was not stored (its start half-written) is only skipped over.
            if (trial.Spec is not { } spec)
                continue;
            if (_configurations.Count == 0 || _configurations[^1].GroupHash != spec.GroupHash)
            {
                _configurations.Add(new Configuration(Searched(spec), spec.Parameters.Where(p => p.Key != WorkloadDescriptor.SeedParameter)
                    .ToDictionary(StringComparer.Ordinal), spec.GroupHash));
                _groupHashes.Add(spec.GroupHash);
            }
            _nextSeed = Math.Max(0, _seeds.ToList().IndexOf(spec.Seed)) + 1;
            _configurationOf[trial.Index] = _configurations.Count - 1;
            if (trial.Loss is { } loss)
                _results[trial.Index] = (loss, trial.StoppedAt);
        }
    }

    public TrialSpec? At(long index) => null;

    public void Observe(TrialSpec trial, double objective)
    {
        if (_configurationOf.ContainsKey(trial.Index))
            _results[trial.Index] = (objective, null);
    }

    public void ObserveStopped(TrialSpec trial, int epoch, double loss)
    {
        if (_configurationOf.ContainsKey(trial.Index))
            _results[trial.Index] = (loss, epoch);
    }

    /// <summary>Draws the next distinct configuration; false when the sampler finds none (a small space used up).</summary>
    private bool Draw()
    {
        var observed = _results.Select(r => new TpeSampler.Observation(_configurations[_configurationOf[r.Key]].Searched, r.Value.Loss, r.Value.StoppedAt)).ToList();
        var observedConfigurations = _results.Select(r => _configurationOf[r.Key]).ToHashSet();
        // Every configuration without a result is pending: running, or failed (the "liar" treats it as bad).
        var pending = Enumerable.Range(0, _configurations.Count).Where(c => !observedConfigurations.Contains(c))
            .Select(c => _configurations[c].Searched).ToList();
        for (var retry = 0; retry < DrawRetries; retry++)
        {
            if (_sampler.Next(observed, pending, _configurations.Count * (long)DrawRetries + retry) is not { } searched)
                break;
            var (parameters, groupHash) = _factory.Configure(searched);
            if (!_groupHashes.Add(groupHash))
            {
                DuplicatesSkipped++;
                continue;
            }
            _configurations.Add(new Configuration(searched, parameters, groupHash));
            _nextSeed = 0;
            return true;
        }
        _usedUp = true;
        return false;
    }

    /// <summary>A trial's searched values as the sampler draws them (list values uncoerced, so they match the spec's).</summary>
    private Dictionary<string, ParamValue> Searched(TrialSpec spec) => _dimensions.Where(d => spec.Parameters.ContainsKey(d.Key)).ToDictionary(
        d => d.Key,
        d => d.Value.IsEnumerated
            ? d.Value.Values.FirstOrDefault(v => _factory.Coerce(d.Key, v) == spec.Parameters[d.Key]) ?? spec.Parameters[d.Key]
            : spec.Parameters[d.Key],
        StringComparer.Ordinal);

    /// <summary>Distinct configurations of the space: finite when every dimension is enumerated or an integer range.</summary>
    private static double SpaceSize(IEnumerable<KeyValuePair<string, SearchDimension>> dimensions) => dimensions.Aggregate(1.0, (size, d) => size * d.Value.Kind switch
    {
        SearchKind.List or SearchKind.Choice => d.Value.Values.Count,
        SearchKind.IntRange => Math.Floor((d.Value.High - d.Value.Low) / (d.Value.Step ?? 1)) + 1,
        _ => double.PositiveInfinity,
    });

    private sealed record Configuration(IReadOnlyDictionary<string, ParamValue> Searched, IReadOnlyDictionary<string, ParamValue> Parameters, string GroupHash);
}
