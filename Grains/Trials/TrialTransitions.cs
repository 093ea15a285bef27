using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Trials;

namespace Orchestrator.Grains.Trials;

/// <summary>
/// A trial's state machine on its <see cref="TrialState"/>: Pending → Running → Evaluating → Completed | Failed |
/// Cancelled | Stopped. Each method applies one transition and answers whether it changed the state; transitions that
/// no longer apply (a late report of a superseded attempt, anything after a final status) change nothing. The sweep grain
/// holds the states of its trials in flight and writes each changed state once, in its batch's append to the state log.
/// </summary>
public static class TrialTransitions
{
    public static bool IsFinal(this TrialState state) =>
        state.Status is TrialStatus.Completed or TrialStatus.Failed or TrialStatus.Cancelled or TrialStatus.Stopped;

    /// <summary>A worker took attempt <paramref name="attempt"/>; a resume (<paramref name="reopen"/>) reopens a trial that ended without completing.</summary>
    public static bool Start(this TrialState state, int attempt, string worker, int attemptFloor, TrialSpec trial, bool reopen, DateTimeOffset now)
    {
        if (reopen && state.Status is TrialStatus.Failed or TrialStatus.Cancelled or TrialStatus.Stopped && attempt > state.Attempt)
            state.Reopen();
        if (state.IsFinal() || attempt < state.Attempt)
            return false;
        state.Spec ??= trial;
        state.Status = TrialStatus.Running;
        state.Attempt = attempt;
        state.AttemptFloor = Math.Max(state.AttemptFloor, attemptFloor);
        state.Worker = worker;
        state.StartedAt = now;
        return true;
    }

    public static bool Checkpointed(this TrialState state, int attempt, int epoch)
    {
        if (state.IsFinal() || attempt != state.Attempt || epoch <= state.CheckpointEpoch)
            return false;
        state.CheckpointEpoch = epoch;
        return true;
    }

    /// <summary>
    /// Attempt <paramref name="attempt"/> was given back without counting (its worker shut down, an outage, a host killed
    /// from outside): Pending again with the floor raised, so a sweep reloaded elsewhere requeues it at once.
    /// </summary>
    public static bool Requeued(this TrialState state, int attempt)
    {
        if (state.Status != TrialStatus.Running || attempt != state.Attempt)
            return false;
        state.Status = TrialStatus.Pending;
        state.AttemptFloor++;
        return true;
    }

    /// <summary>Training finished; with <paramref name="shards"/> &gt; 0 evaluation shards follow, else the scores are final.</summary>
    public static bool Trained(this TrialState state, int attempt, WorkOutcome outcome, int shards, DateTimeOffset now)
    {
        if (state.IsFinal() || attempt != state.Attempt)
            return false;
        state.Metrics = new Dictionary<string, double>(outcome.Metrics.Where(m => double.IsFinite(m.Value)), StringComparer.Ordinal);
        state.Shards = shards;
        if (shards > 0)
        {
            state.Status = TrialStatus.Evaluating;
            return true;
        }
        state.Scores = [.. outcome.Scores];
        state.Finish(TrialStatus.Completed, null, now);
        return true;
    }

    /// <summary>Merges one evaluation shard's scores (first report of a shard wins); the last shard completes the trial.</summary>
    public static bool ShardDone(this TrialState state, int shard, IReadOnlyList<ObservationScore> scores, DateTimeOffset now)
    {
        if (state.Status != TrialStatus.Evaluating || state.ShardsDone.Contains(shard))
            return false;
        state.ShardsDone.Add(shard);
        state.Scores.AddRange(scores);
        state.Scores.Sort((a, b) => a.Observation.CompareTo(b.Observation));
        if (state.ShardsDone.Count >= state.Shards)
            state.Finish(TrialStatus.Completed, null, now);
        return true;
    }

    /// <summary>Ends a trial that did not complete: failed, cancelled, or stopped early (keeping its last epoch's metrics).</summary>
    public static bool End(this TrialState state, TrialStatus status, string reason, IReadOnlyDictionary<string, double>? lastMetrics, DateTimeOffset now)
    {
        if (state.IsFinal())
            return false;
        foreach (var (name, value) in (lastMetrics ?? new Dictionary<string, double>()).Where(m => double.IsFinite(m.Value)))
            state.Metrics[name] = value;
        state.Finish(status, reason, now);
        return true;
    }

    /// <summary>Keeps the attempt counter and checkpoint: a retry resumes where the last attempt stopped, with fresh attempts.</summary>
    private static void Reopen(this TrialState state)
    {
        state.Status = TrialStatus.Pending;
        state.AttemptFloor = state.Attempt;
        state.Reason = null;
        state.FinishedAt = null;
        state.ShardsDone.Clear();
        state.Scores.Clear();
    }

    private static void Finish(this TrialState state, TrialStatus status, string? reason, DateTimeOffset now)
    {
        state.Status = status;
        state.Reason = reason;
        state.FinishedAt = now;
    }
}
