using Orchestrator.Contracts.Trials;

namespace Orchestrator.Contracts.Sweeps;

/// <summary>One event of a sweep's progress stream: the sweep's counts plus what changed.</summary>
/// <param name="Trial">Config hash of the trial the event is about (null for sweep-level events).</param>
/// <param name="Message">Human-readable line, e.g. "epoch 12/60" or "completed C2ST 0.61".</param>
/// <param name="Label">The trial's searched values and seed, e.g. "beta=25 seed=2" (null for sweep-level events).</param>
[GenerateSerializer, Immutable, Alias("orchestrator.sweep-progress")]
public sealed record SweepProgress(
    [property: Id(0)] SweepStatus Status,
    [property: Id(1)] string? Trial,
    [property: Id(2)] TrialStatus? TrialStatus,
    [property: Id(3)] WorkProgress? Work,
    [property: Id(4)] string Message,
    [property: Id(5)] string? Label = null);
