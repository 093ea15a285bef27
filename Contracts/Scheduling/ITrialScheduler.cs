namespace Orchestrator.Contracts.Scheduling;

/// <summary>
/// An early-stopping policy: pure logic over the intermediate results it is shown, in arrival order. Implementations are
/// deterministic, so replaying the same results into a fresh instance reproduces every decision (how a restarted sweep
/// recovers its scheduler: <see cref="SchedulerRun"/>). Values arrive as losses (smaller is better).
/// </summary>
public interface ITrialScheduler
{
    /// <summary>Records a trial's loss after <paramref name="epoch"/> epochs and decides whether it continues. Called at most
    /// once per trial and epoch.</summary>
    SchedulerDecision Report(string trial, int epoch, double loss);

    /// <summary>The epochs whose results decisions are made on, ascending (empty: none; null: every epoch), so a worker
    /// reports exactly those epochs at once rather than whatever epoch its next heartbeat finds.</summary>
    IReadOnlyList<int>? Milestones { get; }
}
