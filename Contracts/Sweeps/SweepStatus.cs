namespace Orchestrator.Contracts.Sweeps;

/// <summary>Phase of a sweep.</summary>
[GenerateSerializer]
public enum SweepPhase
{
    Running,
    Completed,
    Cancelled,
    /// <summary>Ended with every trial failed: nothing to report as completed.</summary>
    Failed,
}

/// <summary>Counts of a sweep's trials by state, and its phase.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.sweep-status")]
public sealed record SweepStatus(
    [property: Id(0)] string Name,
    [property: Id(1)] SweepPhase Phase,
    [property: Id(2)] int Total,
    [property: Id(3)] int Pending,
    [property: Id(4)] int Running,
    [property: Id(5)] int Completed,
    [property: Id(6)] int Failed,
    [property: Id(7)] int Cancelled,
    [property: Id(8)] string SpecHash,
    [property: Id(9)] DateTimeOffset SubmittedAt,
    [property: Id(10)] int Stopped = 0)
{
    public bool IsFinished => Phase != SweepPhase.Running;
}
