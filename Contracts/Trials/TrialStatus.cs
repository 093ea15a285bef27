namespace Orchestrator.Contracts.Trials;

/// <summary>Life cycle of a trial: Pending → Running → Evaluating → Completed | Failed | Cancelled | Stopped.</summary>
[GenerateSerializer]
public enum TrialStatus
{
    Pending,
    Running,
    Evaluating,
    Completed,
    Failed,
    Cancelled,
    /// <summary>Ended early by the sweep's scheduler (ASHA, Hyperband, median): keeps its checkpoint, metrics and reason.</summary>
    Stopped,
}
