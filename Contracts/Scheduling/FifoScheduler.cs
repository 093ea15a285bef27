namespace Orchestrator.Contracts.Scheduling;

/// <summary>Every trial runs to the end.</summary>
public sealed class FifoScheduler : ITrialScheduler
{
    public SchedulerDecision Report(string trial, int epoch, double loss) => SchedulerDecision.Continue;

    public IReadOnlyList<int>? Milestones => [];
}
