using System.Globalization;

namespace Orchestrator.Contracts.Scheduling;

/// <summary>
/// Asynchronous successive halving (Li et al. 2020), in its stopping form: rungs at minEpochs·η^k below maxEpochs (from
/// the grace period on). When a trial reaches a rung its loss is recorded there; among the n losses recorded at that
/// rung so far (its own included) it continues when it ranks within the top max(1, ⌊n/η⌋), ties in its favour, and
/// stops otherwise. A decision uses only what has arrived: no rung waits for others (no barrier), so the first trial
/// at a rung always continues.
/// </summary>
public sealed class AshaScheduler : ITrialScheduler
{
    private readonly int _eta;
    private readonly string _label;
    // Rung milestone → losses recorded there, in arrival order.
    private readonly SortedDictionary<int, Dictionary<string, double>> _rungs = [];

    /// <param name="label">Prefix of reasons, e.g. "asha" or "hyperband bracket 1".</param>
    public AshaScheduler(int minEpochs, int maxEpochs, int eta, int graceEpochs, string label = "asha")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minEpochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(eta, 2);
        _eta = eta;
        _label = label;
        for (long milestone = minEpochs; milestone < maxEpochs; milestone *= eta)
        {
            if (milestone >= graceEpochs)
                _rungs[(int)milestone] = new(StringComparer.Ordinal);
        }
    }

    /// <summary>The rung milestones, ascending.</summary>
    public IReadOnlyList<int>? Milestones => [.. _rungs.Keys];

    public SchedulerDecision Report(string trial, int epoch, double loss)
    {
        // The highest rung reached that does not yet hold this trial (reports come every epoch, so each is met exactly).
        var rung = _rungs.Where(r => r.Key <= epoch && !r.Value.ContainsKey(trial)).Select(r => (int?)r.Key).LastOrDefault();
        if (rung is not { } milestone)
            return SchedulerDecision.Continue;
        var recorded = _rungs[milestone];
        recorded[trial] = loss;
        var rank = 1 + recorded.Count(r => r.Key != trial && r.Value < loss);
        var keep = Math.Max(1, recorded.Count / _eta);
        var text = string.Create(CultureInfo.InvariantCulture, $"{_label}: rung {milestone} ranks {rank} of {recorded.Count}, top {keep} continue (η={_eta})");
        return rank <= keep ? SchedulerDecision.Promote(milestone, text) : SchedulerDecision.StopAt(milestone, text);
    }
}
