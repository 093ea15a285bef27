namespace Orchestrator.Contracts.Specs;

/// <summary>
/// Random search as a stream of draws: draw d is the d-th configuration of a SplitMix64 seeded with the strategy's
/// seed (dimensions drawn in name order), run once per seed; a configuration drawn before is skipped by its config
/// hash, kept as 8 bytes per distinct trial (the bounded dedup index: at most draws × seeds entries). Draws depend on
/// the draws before them, so a restarted sweep replays its first <see cref="Produced"/> trials in memory.
/// </summary>
public sealed class RandomTrialSource : ITrialSource
{
    private readonly TrialFactory _factory;
    private readonly IReadOnlyList<KeyValuePair<string, SearchDimension>> _dimensions;
    private readonly IReadOnlyList<long> _seeds;
    private readonly int _samples;
    private readonly long _cap;
    private readonly HashSet<ulong> _seen = [];
    private readonly SplitMix64 _random;
    private int _draws;
    private (Dictionary<string, ParamValue> Parameters, string GroupHash)? _configuration;
    private int _nextSeed;
    private TrialSpec? _ahead;

    internal RandomTrialSource(TrialFactory factory, long samplerSeed, int samples, bool capped = true)
    {
        _factory = factory;
        _dimensions = factory.Dimensions;
        _seeds = factory.Seeds;
        _samples = samples;
        _random = new SplitMix64(samplerSeed);
        var planned = (long)Math.Max(0, samples) * _seeds.Count;
        _cap = capped && factory.MaxTrials is { } max ? Math.Min(max, planned) : planned;
        Planned = _cap;
    }

    public long Planned { get; }

    public long Produced { get; private set; }

    public long DuplicatesSkipped { get; private set; }

    // Each repeat removes one of the draws × seeds trials; the cap may still bind below that.
    public long Expected => Exhausted ? Produced : Math.Max(Produced, Math.Min(_cap, (long)Math.Max(0, _samples) * _seeds.Count - DuplicatesSkipped));

    public bool Exhausted => Produced >= _cap || Peek() is null;

    public TrialSpec? Next()
    {
        if (Produced >= _cap || Peek() is not { } trial)
            return null;
        _ahead = null;
        Produced++;
        return trial;
    }

    public void Restore(long produced)
    {
        while (Produced < produced && Next() is not null)
        {
        }
    }

    public TrialSpec? At(long index) => null;

    public void Observe(TrialSpec trial, double objective)
    {
    }

    public void ObserveStopped(TrialSpec trial, int epoch, double loss)
    {
    }

    /// <summary>The next distinct trial without taking it (draws as many configurations as duplicates require).</summary>
    private TrialSpec? Peek()
    {
        while (_ahead is null)
        {
            if (_configuration is null || _nextSeed == _seeds.Count)
            {
                if (_draws == _samples)
                    return null;
                _draws++;
                _configuration = _factory.Configure([.. _dimensions.Select(d => KeyValuePair.Create(d.Key, SweepExpander.Sample(d.Value, _random)))]);
                _nextSeed = 0;
            }
            var (parameters, groupHash) = _configuration.Value;
            var trial = _factory.Trial(Produced, parameters, groupHash, _seeds[_nextSeed++]);
            if (_seen.Add(Convert.ToUInt64(trial.ConfigHash, 16)))
                _ahead = trial;
            else
                DuplicatesSkipped++;
        }
        return _ahead;
    }
}
