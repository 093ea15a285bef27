using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;

namespace Orchestrator.Grains.Sweeps;

/// <summary>
/// What a sweep knows of its started trials, folded from its ledger one transition at a time: each trial's status,
/// attempt, objective value and state record (about 64 bytes each, only for trials that started), counts by status, per-group
/// mean ± SEM (Welford) of the objective over completed seeds, and the best trial so far (in the objective's direction). Transitions are idempotent: a completed trial never
/// changes again (late duplicates are ignored) and a report of an attempt older than the trial's is stale. Queries page
/// over it in memory. Not thread-safe, except <see cref="Count"/>, which the metrics gauges read from another thread.
/// </summary>
public sealed class SweepLedger(bool minimize = true)
{
    private readonly List<Trial> _trials = [];
    private readonly Dictionary<long, int> _byIndex = [];
    private readonly List<Group> _groups = [];
    private readonly Dictionary<ulong, int> _groupIds = [];
    private readonly int[] _counts = new int[Enum.GetValues<TrialStatus>().Length];
    private int _best = -1;

    /// <summary>Trials that started at least once.</summary>
    public int Started => _trials.Count;

    /// <summary>The highest index that started, or -1: a restarted grid or random source resumes after it.</summary>
    public long MaxIndex { get; private set; } = -1;

    public int GroupCount => _groups.Count;

    public int Count(TrialStatus status) => Volatile.Read(ref _counts[(int)status]);

    public LedgerTrial? Find(long index) => _byIndex.TryGetValue(index, out var position) ? View(position) : null;

    /// <summary>The best completed trial so far (in the objective's direction), or null.</summary>
    public LedgerTrial? Best => _best < 0 ? null : View(_best);

    /// <summary>Applies one transition; false when it changed nothing (stale or duplicate).</summary>
    public bool Apply(LedgerEntry entry)
    {
        if (!_byIndex.TryGetValue(entry.Index, out var position))
        {
            position = _trials.Count;
            _trials.Add(new Trial(entry.Index, Convert.ToUInt64(entry.ConfigHash, 16), GroupOf(entry.GroupHash, entry.Index), TrialStatus.Pending, 0, double.NaN, null));
            _byIndex[entry.Index] = position;
            Interlocked.Increment(ref _counts[(int)TrialStatus.Pending]);
            MaxIndex = Math.Max(MaxIndex, entry.Index);
        }
        var trial = _trials[position];
        if (trial.Status == TrialStatus.Completed || entry.Attempt < trial.Attempt)
            return false;
        var next = entry.Status switch
        {
            // A reset (resume, promote) only reopens what ended without completing.
            TrialStatus.Pending when trial.Status is not (TrialStatus.Failed or TrialStatus.Cancelled or TrialStatus.Stopped) => trial,
            TrialStatus.Completed => trial with { Status = TrialStatus.Completed, Attempt = entry.Attempt, Objective = entry.Objective },
            _ => trial with { Status = entry.Status, Attempt = entry.Attempt },
        };
        if (entry.State is { } state)
            next = next with { State = state };
        if (next == trial)
            return false;
        _trials[position] = next;
        Interlocked.Decrement(ref _counts[(int)trial.Status]);
        Interlocked.Increment(ref _counts[(int)next.Status]);
        if (next.Status == TrialStatus.Completed)
        {
            _groups[next.Group].Add(next.Objective);
            if (double.IsFinite(next.Objective) && (_best < 0 || Rank(next) < Rank(_trials[_best])))
                _best = position;
        }
        return true;
    }

    /// <summary>Every started trial, in start order.</summary>
    public IEnumerable<LedgerTrial> All => Enumerable.Range(0, _trials.Count).Select(View);

    /// <summary>Trials with <paramref name="status"/>, in start order (the bounded sets a restart or resume acts on).</summary>
    public IEnumerable<LedgerTrial> WithStatus(TrialStatus status) =>
        Enumerable.Range(0, _trials.Count).Where(p => _trials[p].Status == status).Select(View);

    /// <summary>
    /// One page of trials. By objective (best first; trials without one last): skips <see cref="ResultsQuery.After"/>
    /// matching rows (O(n) partial sort). By index: rows in start order from position <see cref="ResultsQuery.After"/>,
    /// with the position to continue from (O(page)).
    /// </summary>
    public (IReadOnlyList<LedgerTrial> Rows, long Matching, long? Next) Query(ResultsQuery query, int limit)
    {
        var group = query.Group is { } g && _groupIds.TryGetValue(Convert.ToUInt64(g, 16), out var id) ? id : query.Group is null ? -1 : -2;
        bool Matches(Trial t) => (query.Status is not { } s || t.Status == s) && (group == -1 || t.Group == group);
        if (query.Order == ResultsOrder.Objective)
        {
            var matching = Enumerable.Range(0, _trials.Count).Where(p => Matches(_trials[p])).ToList();
            var rows = matching.OrderBy(p => Rank(_trials[p])).ThenBy(p => _trials[p].Index)
                .Skip((int)Math.Min(query.After, int.MaxValue)).Take(limit).Select(View).ToList();
            return (rows, matching.Count, null);
        }
        var page = new List<LedgerTrial>();
        var position = (int)Math.Clamp(query.After, 0, _trials.Count);
        for (; position < _trials.Count && page.Count < limit; position++)
        {
            if (Matches(_trials[position]))
                page.Add(View(position));
        }
        var all = query.Status is null && group == -1 ? _trials.Count : -1;
        return (page, all, position < _trials.Count ? position : null);
    }

    /// <summary>Config groups with a completed trial, best mean objective first.</summary>
    public IReadOnlyList<LedgerGroup> TopGroups(int skip, int limit) =>
        [.. _groups.Where(g => g.Completed > 0).OrderBy(g => Rank(g.Objective)).ThenBy(g => g.FirstIndex)
            .Skip(skip).Take(limit).Select(g => g.View())];

    public int RankedGroupCount => _groups.Count(g => g.Completed > 0);

    /// <summary>Every group in the order its first trial started (for spreading curves over a sweep).</summary>
    public IReadOnlyList<LedgerGroup> Groups => [.. _groups.Select(g => g.View())];

    /// <summary>Trials of one group, in start order.</summary>
    public IEnumerable<LedgerTrial> InGroup(string groupHash) =>
        _groupIds.TryGetValue(Convert.ToUInt64(groupHash, 16), out var id)
            ? Enumerable.Range(0, _trials.Count).Where(p => _trials[p].Group == id).Select(View)
            : [];

    private static double Objective(Trial t) => t.Status == TrialStatus.Completed ? t.Objective : double.NaN;

    private double Rank(Trial t) => Rank(Objective(t));

    // Best first in the objective's direction; trials without one last.
    private double Rank(double objective) => !double.IsFinite(objective) ? double.PositiveInfinity : minimize ? objective : -objective;

    private int GroupOf(string groupHash, long index)
    {
        var key = Convert.ToUInt64(groupHash, 16);
        if (!_groupIds.TryGetValue(key, out var id))
        {
            id = _groups.Count;
            _groups.Add(new Group(key, index));
            _groupIds[key] = id;
        }
        return id;
    }

    private LedgerTrial View(int position)
    {
        var t = _trials[position];
        return new LedgerTrial(t.Index, Hex(t.Config), Hex(_groups[t.Group].Key), t.Status, t.Attempt, Objective(t), t.State);
    }

    private static string Hex(ulong value) => value.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    private readonly record struct Trial(long Index, ulong Config, int Group, TrialStatus Status, int Attempt, double Objective, StateRef? State);

    /// <summary>Completed seeds of one configuration: Welford's running mean and squared deviations of the objective.</summary>
    private sealed class Group(ulong key, long firstIndex)
    {
        private double _mean;
        private double _m2;

        public ulong Key => key;
        public long FirstIndex => firstIndex;
        public int Completed { get; private set; }

        public double Objective => Completed > 0 ? _mean : double.NaN;

        public void Add(double objective)
        {
            // As the from-scratch aggregation: a trial counts when it reported its objective.
            if (!double.IsFinite(objective))
                return;
            Completed++;
            var delta = objective - _mean;
            _mean += delta / Completed;
            _m2 += delta * (objective - _mean);
        }

        public LedgerGroup View() => new(Hex(key), firstIndex, Completed, Objective,
            Completed > 1 ? Math.Sqrt(_m2 / (Completed - 1) / Completed) : double.NaN);
    }
}

/// <summary>A started trial as the ledger knows it (parameters come from the trial's state or the sweep's source).</summary>
/// <param name="State">Its latest state record; null for a trial stored before the state log (its trial grain holds its state).</param>
public sealed record LedgerTrial(long Index, string ConfigHash, string GroupHash, TrialStatus Status, int Attempt, double Objective,
    StateRef? State = null);

/// <summary>A config group's aggregate over its completed seeds.</summary>
public sealed record LedgerGroup(string GroupHash, long FirstIndex, int Completed, double Mean, double Sem);
