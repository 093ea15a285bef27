namespace Orchestrator.Contracts.Workers;

/// <summary>What a worker slot is doing.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.worker-status")]
public sealed record WorkerStatus(
    [property: Id(0)] string Id,
    [property: Id(1)] bool Running,
    [property: Id(2)] string? CurrentSweep,
    [property: Id(3)] string? CurrentTrial,
    [property: Id(4)] int ItemsDone,
    [property: Id(5)] int HostRestarts,
    [property: Id(6)] int? HostPid = null); // the slot's trial host process, while one runs
