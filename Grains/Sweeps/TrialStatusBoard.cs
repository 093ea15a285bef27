using Orchestrator.Contracts.Trials;

namespace Orchestrator.Grains.Sweeps;

/// <summary>
/// Each trial's status with a running count per status, so a sweep's counts (its status and the metrics gauges, which
/// read <see cref="Counts"/> from another thread) cost O(1) instead of a scan of all trials.
/// </summary>
public sealed class TrialStatusBoard
{
    private readonly Dictionary<string, TrialStatus> _status = new(StringComparer.Ordinal);
    private readonly int[] _counts = new int[Enum.GetValues<TrialStatus>().Length];

    public TrialStatus this[string hash]
    {
        get => _status[hash];
        set
        {
            if (_status.TryGetValue(hash, out var previous))
                Interlocked.Decrement(ref _counts[(int)previous]);
            _status[hash] = value;
            Interlocked.Increment(ref _counts[(int)value]);
        }
    }

    public IEnumerable<TrialStatus> Values => _status.Values;

    public TrialStatus? GetValueOrDefault(string hash) => _status.TryGetValue(hash, out var s) ? s : null;

    public int Count(TrialStatus status) => Volatile.Read(ref _counts[(int)status]);

    /// <summary>Trials per status, indexed by the status' value.</summary>
    public IReadOnlyList<int> Counts => Enum.GetValues<TrialStatus>().Select(Count).ToArray();

    public void Clear()
    {
        _status.Clear();
        Array.Clear(_counts);
    }
}
