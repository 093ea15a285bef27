using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Trials;

namespace Orchestrator.Contracts.Sweeps;

/// <summary>
/// Coordinates one sweep (key: the sweep name): hands out its trials one at a time from the spec's index space, keeps
/// leases, requeues lost work, and aggregates results incrementally. Each trial's transitions are appended to the
/// sweep's ledger, so a restarted sweep reloads without reading every trial.
/// </summary>
[Alias("orchestrator.sweep")]
public interface ISweepGrain : IGrainWithStringKey
{
    /// <summary>Starts the sweep. Idempotent: the same spec again returns the current status; a different spec under the same name is refused.</summary>
    [Alias("submit")] Task<SweepStatus> SubmitAsync(SweepSpec spec);

    [Alias("status")] Task<SweepStatus> GetStatusAsync();

    /// <summary>Cancels pending and running work; completed results are kept.</summary>
    [Alias("cancel")] Task<SweepStatus> CancelAsync();

    /// <summary>Continues a cancelled or interrupted sweep; with <paramref name="retryFailed"/> failed trials run again from their checkpoints.</summary>
    [Alias("resume")] Task<SweepStatus> ResumeAsync(bool retryFailed);

    /// <summary>
    /// Continues trials an early-stopping policy stopped to their full budget, from the checkpoint of the epoch they were
    /// stopped at, exempt from the policy from then on: every stopped trial, or the one whose config hash starts with
    /// <paramref name="trial"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="trial"/> matches no stopped trial, or several.</exception>
    [Alias("promote")] Task<SweepStatus> PromoteAsync(string? trial);

    /// <summary>
    /// Hands the next pending item to a worker whose device ("cpu", "cuda:0") is of the sweep's device kind, or null when
    /// there is none or the kinds differ. O(1).
    /// </summary>
    [Alias("lease")] Task<WorkItem?> LeaseAsync(string workerId, string device);

    /// <summary>
    /// Up to <paramref name="max"/> items at once (empty when there is none): their trial states are written side by side
    /// and their starts are one ledger append, so a batch costs about what one lease does.
    /// </summary>
    [Alias("lease-batch")] Task<IReadOnlyList<WorkItem>> LeaseBatchAsync(string workerId, string device, int max);

    /// <summary>
    /// The next unit of work for one worker slot: one item, or, when the spec packs trials (<c>resources.pack</c>), the
    /// members of a pack (up to the pack size of trainings that share the workload's pack key), each under its own lease,
    /// to run together as one fused model. Empty when there is none.
    /// </summary>
    /// <param name="freeSlots">Worker slots of this device kind free to take work, the asking one included: <c>pack: auto</c> spreads the sweep over them.</param>
    /// <param name="memoryBytes">The asking slot's memory (0 = unknown): <c>pack: auto</c> fits packs in it.</param>
    /// <param name="held">
    /// The leases the asking slot holds (null: not stated). A lease of this sweep granted to the slot but not among them
    /// was granted by a call whose reply the slot never received (a silo stopping mid-call): it is given again, same
    /// attempt, instead of waiting out its lease.
    /// </param>
    [Alias("lease-pack")] Task<IReadOnlyList<WorkItem>> LeasePackAsync(string workerId, string device, int freeSlots, long memoryBytes,
        IReadOnlyList<string>? held = null);

    /// <summary>Renews a lease and records progress; false when the lease is no longer valid (the worker must stop that item).</summary>
    [Alias("heartbeat")] Task<bool> HeartbeatAsync(string leaseId, WorkProgress progress);

    /// <summary>Ends a lease well. Stale or duplicate completions are ignored.</summary>
    [Alias("complete")] Task CompleteAsync(string leaseId, WorkOutcome outcome);

    /// <summary>Ends several leases well in one call (states written side by side, one ledger append); as <see cref="CompleteAsync"/> for each.</summary>
    [Alias("complete-batch")] Task CompleteBatchAsync(IReadOnlyList<LeaseOutcome> outcomes);

    /// <summary>Ends a lease badly: retried from the checkpoint while attempts remain (if <paramref name="retryable"/>), else the trial fails.</summary>
    [Alias("fail")] Task FailAsync(string leaseId, string reason, bool retryable);

    /// <summary>
    /// Ends a lease because of the infrastructure (storage outage, lost silo, host killed from outside, worker stopping):
    /// the item is requeued from its checkpoint and the attempt does not count against MaxAttempts.
    /// </summary>
    [Alias("requeue")] Task RequeueAsync(string leaseId, string reason);

    /// <summary>One page of results (top-k by the objective, filters, start-order pages for exports): bounded at any sweep size.</summary>
    [Alias("results-page")] Task<ResultsPage> GetResultsPageAsync(ResultsQuery query);

    /// <summary>
    /// Deletes the sweep with its results: running work is cancelled first, then every trial's state, every stored object
    /// and the sweep's own state are removed, and the name is free again. Throws when nothing of the sweep exists.
    /// </summary>
    [Alias("delete")] Task DeleteAsync();

    /// <summary>One started trial's full state (by config hash: attempts, checkpoint, worker, times, scores); null when no trial of that hash started.</summary>
    [Alias("trial-state")] Task<Trials.TrialState?> GetTrialStateAsync(string configHash);

    /// <summary>The stored per-epoch metric lines of one trial (by config hash), read next to the store.</summary>
    [Alias("trial-metrics")] Task<IReadOnlyList<string>> GetTrialMetricsAsync(string configHash);

    /// <summary>The stored log lines of one trial (by config hash): every attempt's worker and trial-host lines.</summary>
    [Alias("trial-log")] Task<IReadOnlyList<string>> GetTrialLogAsync(string configHash);

    /// <summary>
    /// Learning curves of up to <paramref name="maxGroups"/> config groups (spread over the sweep's order), each averaged
    /// over its seeds and down-sampled to at most <paramref name="maxPoints"/> epochs: read and reduced here, next to the store.
    /// </summary>
    [Alias("curves")] Task<IReadOnlyList<LearningCurve>> GetLearningCurvesAsync(int maxGroups, int maxPoints);

    /// <summary>Progress events until the sweep finishes (or the caller stops listening).</summary>
    [Alias("watch")] IAsyncEnumerable<SweepProgress> WatchAsync(CancellationToken cancellation = default);
}
