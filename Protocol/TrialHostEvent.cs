using System.Text.Json.Serialization;

namespace Orchestrator.Protocol;

/// <summary>
/// An event from the trial host (child) to its worker: one JSON object per stdout line. <see cref="TrialProcessDied"/>
/// is made by the parent when the child dies and is never written by the child.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(Ready), "Ready")]
[JsonDerivedType(typeof(Started), "Started")]
[JsonDerivedType(typeof(Resumed), "Resumed")]
[JsonDerivedType(typeof(Epoch), "Epoch")]
[JsonDerivedType(typeof(CheckpointSaved), "CheckpointSaved")]
[JsonDerivedType(typeof(Evaluated), "Evaluated")]
[JsonDerivedType(typeof(Completed), "Completed")]
[JsonDerivedType(typeof(Failed), "Failed")]
[JsonDerivedType(typeof(Cancelled), "Cancelled")]
[JsonDerivedType(typeof(TrialProcessDied), "TrialProcessDied")]
public abstract record TrialHostEvent
{
    /// <summary>The request this event belongs to; null for process-level events.</summary>
    [JsonIgnore]
    public string? RequestOf => this switch
    {
        Started e => e.RequestId,
        Resumed e => e.RequestId,
        Epoch e => e.RequestId,
        CheckpointSaved e => e.RequestId,
        Evaluated e => e.RequestId,
        Completed e => e.RequestId,
        Failed e => e.RequestId,
        Cancelled e => e.RequestId,
        _ => null,
    };

    /// <summary>True for the events that end a request: Completed, Failed, Cancelled.</summary>
    [JsonIgnore]
    public bool IsTerminal => this is Completed or Failed or Cancelled;
}

/// <summary>The child is up and reads requests.</summary>
public sealed record Ready(int Pid) : TrialHostEvent;

/// <summary>The child accepted the request and starts it (a queued request starts when the previous one ends).</summary>
public sealed record Started(string RequestId, string TrialId, int Pid) : TrialHostEvent;

/// <summary>Training continues from a checkpoint that holds <see cref="EpochsDone"/> finished epochs.</summary>
public sealed record Resumed(string RequestId, int EpochsDone) : TrialHostEvent;

/// <summary>
/// One finished epoch (1-based), in order, with the workload's per-epoch metrics keyed by the names its descriptor
/// declares (<see cref="CommonMetrics"/> for the shared ones).
/// </summary>
public sealed record Epoch(
    string RequestId, [property: JsonPropertyName("epoch")] int EpochNumber, int Epochs, IReadOnlyDictionary<string, double> Metrics) : TrialHostEvent
{
    /// <summary>The metric of that name, NaN when the workload does not report it.</summary>
    public double this[string metric] => Metrics.TryGetValue(metric, out var value) ? value : double.NaN;
}

/// <summary>The checkpoint file now holds <see cref="EpochNumber"/> finished epochs.</summary>
public sealed record CheckpointSaved(string RequestId, [property: JsonPropertyName("epoch")] int EpochNumber, string Path) : TrialHostEvent;

/// <summary>
/// One observation's score (a value of the workload's primary metric, e.g. C2ST); its samples are in
/// <see cref="SamplesPath"/> (csv.gz).
/// </summary>
public sealed record Evaluated(string RequestId, int Observation, double Score, double Acceptance, string SamplesPath) : TrialHostEvent;

/// <summary>The request finished; result.json is at <see cref="ResultPath"/>.</summary>
public sealed record Completed(string RequestId, string TrialId, TrialSummary Summary, string ResultPath) : TrialHostEvent;

/// <summary>The request failed; <see cref="Kind"/> is one of <see cref="FailureKinds"/>.</summary>
public sealed record Failed(string? RequestId, string Reason, string Kind) : TrialHostEvent;

/// <summary>The request was cancelled; its checkpoint (if any) stays for a later resume.</summary>
public sealed record Cancelled(string RequestId) : TrialHostEvent;
