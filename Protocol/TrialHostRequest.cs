using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Protocol;

/// <summary>A request from the worker (parent) to its trial host (child): one JSON object per stdin line.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TrainRequest), "Train")]
[JsonDerivedType(typeof(EvaluateRequest), "Evaluate")]
[JsonDerivedType(typeof(TrainPackRequest), "TrainPack")]
[JsonDerivedType(typeof(CancelRequest), "Cancel")]
[JsonDerivedType(typeof(ShutdownRequest), "Shutdown")]
public abstract record TrialHostRequest;

/// <summary>
/// Train one trial (resuming from <see cref="CheckpointPath"/> when that file exists), then evaluate
/// <see cref="Observations"/> (may be empty) and write result.json and posterior samples to <see cref="OutputDirectory"/>.
/// </summary>
/// <param name="Workload">Workload name, e.g. "fff-sbi"; picks the runner in the child.</param>
/// <param name="Parameters">Workload parameters by name (fff-sbi: task, budget, beta, lr, weightDecay, batchSize,
/// epochs, architecture, identityInit, hutchinson, posteriorSamples).</param>
/// <param name="Threads">Intra-op threads (0 = TorchSharp's default).</param>
/// <param name="CheckpointEvery">Epochs between checkpoints (one is always written at the end).</param>
/// <param name="Fault">Test hook: <see cref="TrialHostFaults.NativeAbort"/> or <see cref="TrialHostFaults.Throw"/>.</param>
/// <param name="TraceParent">W3C traceparent of the worker's attempt span; the host's spans continue that trace.</param>
public sealed record TrainRequest(
    string RequestId,
    string TrialId,
    string Workload,
    IReadOnlyDictionary<string, JsonElement> Parameters,
    long Seed,
    string Device,
    int Threads,
    IReadOnlyList<int> Observations,
    string CheckpointPath,
    int CheckpointEvery,
    string OutputDirectory,
    string? Fault = null,
    string? TraceParent = null) : TrialHostRequest;

/// <summary>
/// Train several trials of one packable workload as one pack (trial packing: one fused model, one worker). Each member is
/// a complete <see cref="TrainRequest"/> with its own requestId, checkpoint, observations and output directory, and every
/// event of a member (Started, Resumed, Epoch, CheckpointSaved, Evaluated, Completed, Failed, Cancelled) carries the
/// member's requestId: a member that diverges fails alone. Members share workload, device, threads and checkpointEvery
/// (and the shapes the workload requires). Cancel with the pack's id cancels every member.
/// </summary>
public sealed record TrainPackRequest(string RequestId, IReadOnlyList<TrainRequest> Members) : TrialHostRequest;

/// <summary>Evaluate <see cref="Observations"/> against the finished training in <see cref="CheckpointPath"/>.</summary>
public sealed record EvaluateRequest(
    string RequestId,
    string TrialId,
    string Workload,
    IReadOnlyDictionary<string, JsonElement> Parameters,
    long Seed,
    string Device,
    int Threads,
    IReadOnlyList<int> Observations,
    string CheckpointPath,
    string OutputDirectory,
    string? Fault = null,
    string? TraceParent = null) : TrialHostRequest;

/// <summary>Cancel the running (or queued) request with this id; answered by <see cref="Cancelled"/>.</summary>
public sealed record CancelRequest(string RequestId) : TrialHostRequest;

/// <summary>Cancel whatever runs and exit cleanly (as does EOF on stdin).</summary>
public sealed record ShutdownRequest : TrialHostRequest;
