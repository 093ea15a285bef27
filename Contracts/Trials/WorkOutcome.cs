namespace Orchestrator.Contracts.Trials;

/// <summary>C2ST of one observation.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.observation-score")]
public sealed record ObservationScore([property: Id(0)] int Observation, [property: Id(1)] double C2st);

/// <summary>What a worker reports when a work item ends well.</summary>
/// <param name="Scores">C2ST per evaluated observation (empty when training did not evaluate).</param>
/// <param name="ValidationNll">Exact validation NLL (training items; NaN for evaluation items).</param>
/// <param name="TraceParent">W3C traceparent of the worker's attempt span: the evaluation shards of a trained trial hang below it.</param>
[GenerateSerializer, Immutable, Alias("orchestrator.work-outcome")]
public sealed record WorkOutcome(
    [property: Id(0)] IReadOnlyList<ObservationScore> Scores,
    [property: Id(1)] double ValidationNll,
    [property: Id(2)] double Seconds,
    [property: Id(3)] string? TraceParent = null);

/// <summary>Heartbeat of a running item: renews its lease and carries progress.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.work-progress")]
public sealed record WorkProgress(
    [property: Id(0)] int Epoch,
    [property: Id(1)] int Epochs,
    [property: Id(2)] double TrainLoss,
    [property: Id(3)] double ValidationNll,
    [property: Id(4)] int CheckpointEpoch);

/// <summary>One lease's good outcome, for reporting several at once.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.lease-outcome")]
public sealed record LeaseOutcome([property: Id(0)] string LeaseId, [property: Id(1)] WorkOutcome Outcome);
