using Orchestrator.Contracts.Specs;

namespace Orchestrator.Grains.Sweeps;

/// <summary>
/// Which completed trials' checkpoints a sweep's <see cref="CheckpointPolicy"/> lets go: every one under <c>none</c>,
/// all but the k best (by the objective's loss; ties by start order) under <c>best-k</c>, none under <c>last</c> and
/// <c>all</c>. Pure bookkeeping — O(log k) per completion, O(k) memory; the sweep grain deletes what it answers.
/// </summary>
public sealed class CheckpointKeeper(CheckpointPolicy policy)
{
    private readonly SortedSet<(double Loss, long Index, string ConfigHash)> _best = [];

    /// <summary>A trial completed with this loss (lower is better; NaN: it reported no objective): the config hashes whose checkpoints go now.</summary>
    public IReadOnlyList<string> Completed(long index, string configHash, double loss)
    {
        switch (policy.Keep)
        {
            case CheckpointKeep.None:
                return [configHash];
            case CheckpointKeep.Best when !double.IsFinite(loss):
                return [configHash];
            case CheckpointKeep.Best:
                _best.Add((loss, index, configHash));
                if (_best.Count <= policy.Best)
                    return [];
                var worst = _best.Max;
                _best.Remove(worst);
                return [worst.ConfigHash];
            default:
                return [];
        }
    }

    /// <summary>After a restart: the completed trials from the ledger (their deletions were done when they completed).</summary>
    public void Restore(IEnumerable<(long Index, string ConfigHash, double Loss)> completed)
    {
        foreach (var (index, hash, loss) in completed)
            Completed(index, hash, loss);
    }

    /// <summary>The trials whose checkpoints are kept by best-k now, best first (empty for the other policies).</summary>
    public IEnumerable<string> Kept => _best.Select(b => b.ConfigHash);
}
