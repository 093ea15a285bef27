using Orchestrator.Contracts.Specs;

namespace Orchestrator.Contracts.Scheduling;

/// <summary>
/// A sweep's scheduler with its memory: every first result per trial and epoch in arrival order and the decision it got.
/// <see cref="Results"/> is all a sweep must persist: <see cref="Replay"/> feeds them into a fresh policy and gets the
/// same decisions back (policies are deterministic). A repeated report (a retried heartbeat, a resumed attempt that
/// passes an epoch again) gets the earlier decision and changes nothing; a stopped trial stays stopped.
/// </summary>
public sealed class SchedulerRun
{
    private readonly ITrialScheduler _policy;
    private readonly Objective _objective;
    private readonly List<DecisionRecord> _decisions = [];
    private readonly Dictionary<(string Trial, int Epoch), SchedulerDecision> _seen = [];
    private readonly Dictionary<string, DecisionRecord> _stopped = new(StringComparer.Ordinal);

    public SchedulerRun(ITrialScheduler policy, Objective objective)
    {
        _policy = policy;
        _objective = objective;
    }

    /// <summary>The policy a spec asks for (fifo when it names none), counting rungs towards <paramref name="maxEpochs"/>.</summary>
    public static SchedulerRun For(SchedulerSpec? spec, Objective objective, int maxEpochs)
    {
        spec ??= SchedulerSpec.Fifo;
        ITrialScheduler Create() => spec.Kind switch
        {
            SchedulerKind.Asha => new AshaScheduler(spec.MinEpochs, maxEpochs, spec.ReductionFactor, spec.GraceEpochs),
            SchedulerKind.Hyperband => new HyperbandScheduler(spec.MinEpochs, maxEpochs, spec.ReductionFactor, spec.GraceEpochs, spec.Brackets),
            SchedulerKind.Median => new MedianStoppingScheduler(spec.GraceEpochs, spec.MinSamples),
            _ => new FifoScheduler(),
        };
        return new SchedulerRun(spec.GroupBy.Count > 0 ? new PartitionedScheduler(Create) : Create(), objective);
    }

    /// <summary>The epochs the policy decides on (null: every epoch).</summary>
    public IReadOnlyList<int>? Milestones => _policy.Milestones;

    /// <summary>Every first result per trial and epoch, in arrival order: the state to persist.</summary>
    public IReadOnlyList<IntermediateResult> Results => [.. _decisions.Select(d => d.Result)];

    /// <summary>Every decision, in arrival order.</summary>
    public IReadOnlyList<DecisionRecord> Decisions => _decisions;

    /// <summary>Trials told to stop, with the decision that stopped them.</summary>
    public IReadOnlyDictionary<string, DecisionRecord> Stopped => _stopped;

    /// <summary>Records a result (objective units) and decides; non-finite values stop the trial (nothing to compare).</summary>
    public SchedulerDecision Report(IntermediateResult result)
    {
        if (_stopped.TryGetValue(result.Trial, out var stop))
            return stop.Decision;
        if (_seen.TryGetValue((result.Trial, result.Epoch), out var earlier))
            return earlier;
        var decision = double.IsFinite(result.Value)
            ? _policy.Report(result.Trial, result.Epoch, _objective.Loss(result.Value))
            : SchedulerDecision.StopAt(null, $"{_objective.Name} is not finite at epoch {result.Epoch}");
        var record = new DecisionRecord(result, decision);
        _seen[(result.Trial, result.Epoch)] = decision;
        _decisions.Add(record);
        if (decision.Stop)
            _stopped[result.Trial] = record;
        return decision;
    }

    /// <summary>Feeds persisted results into this (fresh) run, in order; returns it.</summary>
    public SchedulerRun Replay(IEnumerable<IntermediateResult> results)
    {
        foreach (var result in results)
            Report(result);
        return this;
    }
}
