namespace Orchestrator.Contracts.Trials;

/// <summary>Life cycle of a trial: Pending → Running → Evaluating → Completed | Failed | Cancelled.</summary>
[GenerateSerializer]
public enum TrialStatus
{
    Pending,
    Running,
    Evaluating,
    Completed,
    Failed,
    Cancelled,
}
