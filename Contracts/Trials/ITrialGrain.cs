namespace Orchestrator.Contracts.Trials;

/// <summary>
/// One trial's state machine (key "{sweep}/{configHash}"): Pending → Running → Evaluating → Completed | Failed | Cancelled,
/// with its attempt counter, last checkpoint and failure reason. Transitions that no longer apply (a late report of an
/// attempt that was already superseded) are ignored.
/// </summary>
[Alias("orchestrator.trial")]
public interface ITrialGrain : IGrainWithStringKey
{
    [Alias("get")] Task<TrialState> GetAsync();

    /// <summary>A worker took attempt <paramref name="attempt"/>.</summary>
    /// <param name="attemptFloor">Attempts before this one that do not count against MaxAttempts (resumes, infrastructure failures); persisted for recovery.</param>
    /// <param name="trial">The trial's configuration, kept in its state (the sweep holds none per trial).</param>
    /// <param name="reopen">A resume: a cancelled or failed trial starts again (completed trials never do), in the same write.</param>
    [Alias("start")] Task StartAttemptAsync(int attempt, string worker, int attemptFloor, Specs.TrialSpec trial, bool reopen);

    [Alias("checkpoint")] Task RecordCheckpointAsync(int attempt, int epoch);

    /// <summary>
    /// Attempt <paramref name="attempt"/> was given back without counting (its worker shut down): Pending again with the
    /// floor raised, persisted so that a sweep reloaded on another silo requeues it at once (no orphan hold-back).
    /// </summary>
    [Alias("requeued")] Task RequeuedAsync(int attempt);

    /// <summary>Training finished; with <paramref name="shards"/> &gt; 0 evaluation shards follow, else the scores are final.</summary>
    [Alias("trained")] Task TrainedAsync(int attempt, WorkOutcome outcome, int shards);

    /// <summary>Merges one evaluation shard's scores; the last shard completes the trial.</summary>
    [Alias("shard-done")] Task<TrialState> ShardDoneAsync(int shard, IReadOnlyList<ObservationScore> scores);

    [Alias("fail")] Task FailAsync(string reason);

    [Alias("cancel")] Task CancelAsync();

    /// <summary>Ends the trial Stopped (early stopping), keeping its checkpoint and its last epoch's metrics.</summary>
    [Alias("stop")] Task StopAsync(string reason, IReadOnlyDictionary<string, double> lastMetrics);

    /// <summary>Forgets the trial: its persisted state is cleared and the grain deactivates (part of deleting a sweep).</summary>
    [Alias("delete")] Task DeleteAsync();

    /// <summary>Back to Pending for a retry of a failed or cancelled trial (completed trials are never rerun).</summary>
    [Alias("reset")] Task<bool> ResetAsync();
}
