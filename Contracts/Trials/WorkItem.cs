using Orchestrator.Contracts.Specs;

namespace Orchestrator.Contracts.Trials;

/// <summary>What a worker is asked to do: train a trial, or evaluate one shard of a trained trial's observations.</summary>
[GenerateSerializer, Alias("orchestrator.work-kind")]
public enum WorkKind
{
    Train,
    Evaluate,
}

/// <summary>A leased unit of work. The lease must be renewed (heartbeat) before <see cref="LeaseSeconds"/> pass.</summary>
/// <param name="LeaseId">Identifies this lease; a renewal or completion with a stale lease id is refused.</param>
/// <param name="Attempt">1 for the first try; +1 every time the work is requeued after a lost lease or a crash.</param>
/// <param name="Shard">Evaluation shard index (0 for training).</param>
/// <param name="Observations">Observations this item evaluates (for training: evaluated right after when there is one shard).</param>
/// <param name="CheckpointEvery">Epochs between checkpoints the worker saves to the result store.</param>
/// <param name="TraceParent">W3C traceparent of the sweep's span: the worker's attempt span is its child.</param>
/// <param name="ReportEpochs">Epochs the sweep's early-stopping policy decides on: the worker reports each one (a heartbeat
/// with that epoch's metrics) as soon as it ends, before the training goes on being reported. Null or empty: none.</param>
[GenerateSerializer, Immutable, Alias("orchestrator.work-item")]
public sealed record WorkItem(
    [property: Id(0)] string Sweep,
    [property: Id(1)] string LeaseId,
    [property: Id(2)] WorkKind Kind,
    [property: Id(3)] TrialSpec Trial,
    [property: Id(4)] string Workload,
    [property: Id(5)] int Attempt,
    [property: Id(6)] int Shard,
    [property: Id(7)] IReadOnlyList<int> Observations,
    [property: Id(8)] string Device,
    [property: Id(9)] int CheckpointEvery,
    [property: Id(10)] double LeaseSeconds,
    [property: Id(11)] string? TraceParent = null,
    [property: Id(12)] IReadOnlyList<int>? ReportEpochs = null,
    [property: Id(13)] bool KeepEveryCheckpoint = false);
