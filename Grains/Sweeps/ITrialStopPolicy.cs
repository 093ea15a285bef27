using Orchestrator.Contracts.Scheduling;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Trials;
using Orchestrator.Workloads;

namespace Orchestrator.Grains.Sweeps;

/// <summary>
/// The sweep grain's one hook for early stopping: every intermediate report of a running trial (epoch, metrics) reaches
/// <see cref="OnReport"/>, whose answer the sweep applies. Policies hold no numerics beyond the reports they were shown
/// (ASHA, Hyperband and median stopping in Contracts/Scheduling; <see cref="FifoStopPolicy"/> always continues).
/// </summary>
public interface ITrialStopPolicy
{
    /// <summary>The policy's name, as reasons quote it.</summary>
    string Name { get; }

    /// <summary>The decision, and the result to persist when the policy must see it again after a restart (else null).</summary>
    (SchedulerDecision Decision, IntermediateResult? Remember) OnReport(TrialSpec trial, WorkProgress progress);

    /// <summary>Feeds the results persisted before a restart back in, in order (the same decisions follow).</summary>
    void Replay(IEnumerable<IntermediateResult> results);

    /// <summary>The epochs a training must report as soon as they end (<see cref="WorkItem.ReportEpochs"/>); empty for fifo.</summary>
    IReadOnlyList<int> ReportEpochs { get; }

    /// <summary>The epoch this policy stopped the trial at and its loss there (the scheduler's metric, smaller is better; NaN
    /// when not finite), what an adaptive source learns from a stopped trial; null when it did not stop it.</summary>
    (int Epoch, double Loss)? StoppedAt(TrialSpec trial);
}

/// <summary>Runs every trial to its end.</summary>
public sealed class FifoStopPolicy : ITrialStopPolicy
{
    public string Name => "fifo";

    public (SchedulerDecision, IntermediateResult?) OnReport(TrialSpec trial, WorkProgress progress) => (SchedulerDecision.Continue, null);

    public void Replay(IEnumerable<IntermediateResult> results)
    {
    }

    public IReadOnlyList<int> ReportEpochs => [];

    public (int Epoch, double Loss)? StoppedAt(TrialSpec trial) => null;
}

/// <summary>
/// A <see cref="SchedulerRun"/> fed with the objective's per-epoch value from each heartbeat. Only results a policy
/// must see again are remembered: those at a rung (ASHA, Hyperband), every epoch for median stopping.
/// </summary>
/// <param name="groupBy">Parameters whose values partition the competition (scheduler.groupBy); a trial reports as
/// "{configHash}@{hash of those values}", so the remembered results replay into the same partitions.</param>
public sealed class SchedulerStopPolicy(string name, SchedulerRun run, Objective objective, bool everyEpoch, int maxEpochs,
    IReadOnlyList<string>? groupBy = null) : ITrialStopPolicy
{
    public string Name => name;

    public IReadOnlyList<int> ReportEpochs { get; } = run.Milestones ?? [.. Enumerable.Range(1, maxEpochs)];

    public (SchedulerDecision, IntermediateResult?) OnReport(TrialSpec trial, WorkProgress progress)
    {
        if (!progress.Metrics.TryGetValue(objective.Name, out var value))
            return (SchedulerDecision.Continue, null);
        var result = new IntermediateResult(PartitionedScheduler.Id(trial.ConfigHash, Partition(trial)), progress.Epoch, value);
        var known = run.Decisions.Count;
        var decision = run.Report(result);
        var isNew = run.Decisions.Count > known;
        return (decision, isNew && (everyEpoch || decision.Rung is not null || decision.Stop) ? result : null);
    }

    public void Replay(IEnumerable<IntermediateResult> results) => run.Replay(results);

    public (int Epoch, double Loss)? StoppedAt(TrialSpec trial) =>
        run.Stopped.TryGetValue(PartitionedScheduler.Id(trial.ConfigHash, Partition(trial)), out var stop)
            ? (stop.Result.Epoch, objective.Loss(stop.Result.Value))
            : null;

    private string Partition(TrialSpec trial) => groupBy is not { Count: > 0 } ? "" : SpecCanonical.Hash(string.Join('\n',
        groupBy.Select(n => $"{n}={(trial.Parameters.TryGetValue(n, out var v) ? v.ToCanonical() : "")}")));
}

/// <summary>Chooses a sweep's stop policy from its spec's scheduler (fifo when it names none).</summary>
public static class TrialStopPolicies
{
    public static ITrialStopPolicy Create(SweepSpec spec, WorkloadDescriptor workload)
    {
        if (spec.Scheduler is not { Kind: not SchedulerKind.Fifo } scheduler)
            return new FifoStopPolicy();
        var objective = Objective.OfScheduler(spec, workload)!; // validated at submit: reported per epoch
        var maxEpochs = SweepSpecValidator.MaxEpochs(spec, workload)!.Value;
        return new SchedulerStopPolicy(scheduler.Kind.ToString().ToLowerInvariant(), SchedulerRun.For(scheduler, objective, maxEpochs), objective,
            everyEpoch: scheduler.Kind == SchedulerKind.Median, maxEpochs, scheduler.GroupBy);
    }
}

/// <summary>A remembered scheduler result as a ledger line: "s,{trial},{epoch},{value}" (ledger lines of trials start with a digit).</summary>
public static class SchedulerLine
{
    private const string Prefix = "s,";

    public static string Of(IntermediateResult result) => string.Join(',', "s", result.Trial,
        result.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture));

    public static bool TryParse(string line, out IntermediateResult result)
    {
        result = null!;
        if (!line.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        var f = line.Split(',');
        result = new IntermediateResult(f[1], int.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture),
            double.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture));
        return true;
    }
}
