namespace Orchestrator.Contracts.Trials;

/// <summary>
/// The score of one observation: a value of the workload's primary metric (C2ST for fff-sbi). Stores written before
/// metrics were workload-neutral name the value "C2st"; <see cref="C2st"/> reads them.
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.observation-score")]
public sealed record ObservationScore([property: Id(0)] int Observation, [property: Id(1)] double Value)
{
    /// <summary>Read-only path for persisted states of the earlier shape ({"Observation":1,"C2st":0.61}); never written.</summary>
    public double C2st
    {
        init => Value = value;
    }
}

/// <summary>What a worker reports when a work item ends well.</summary>
/// <param name="Scores">Per-observation scores of the primary metric (empty when training did not evaluate).</param>
/// <param name="Metrics">Final metrics by their declared names (training items; evaluation items report only scores).</param>
/// <param name="TraceParent">W3C traceparent of the worker's attempt span: the evaluation shards of a trained trial hang below it.</param>
/// <param name="LastEpoch">The metrics of the last epoch this attempt reported (training items; null: none), from which the
/// sweep takes the values of metrics reported only per epoch (<see cref="Workloads.WorkloadDescriptor.TrialMetrics"/>).</param>
[GenerateSerializer, Immutable, Alias("orchestrator.work-outcome")]
public sealed record WorkOutcome(
    [property: Id(0)] IReadOnlyList<ObservationScore> Scores,
    [property: Id(1)] IReadOnlyDictionary<string, double> Metrics,
    [property: Id(2)] double Seconds,
    [property: Id(3)] string? TraceParent = null,
    [property: Id(4)] IReadOnlyDictionary<string, double>? LastEpoch = null);

/// <summary>Heartbeat of a running item: renews its lease and carries progress (the latest epoch's metrics by name).</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.work-progress")]
public sealed record WorkProgress(
    [property: Id(0)] int Epoch,
    [property: Id(1)] int Epochs,
    [property: Id(2)] IReadOnlyDictionary<string, double> Metrics,
    [property: Id(3)] int CheckpointEpoch);

/// <summary>One lease's good outcome, for reporting several at once.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.lease-outcome")]
public sealed record LeaseOutcome([property: Id(0)] string LeaseId, [property: Id(1)] WorkOutcome Outcome);
