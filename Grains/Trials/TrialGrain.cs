using Orchestrator.Contracts.Trials;

namespace Orchestrator.Grains.Trials;

/// <summary>A trial's state machine, persisted on every transition (a few hundred bytes per write).</summary>
public sealed class TrialGrain([PersistentState("trial", GrainStorageNames.State)] IPersistentState<TrialState> state) : Grain, ITrialGrain
{
    private TrialState State => state.State;

    public Task<TrialState> GetAsync() => Task.FromResult(State);

    public async Task StartAttemptAsync(int attempt, string worker, int attemptFloor, Contracts.Specs.TrialSpec trial, bool reopen)
    {
        if (reopen && State.Status is TrialStatus.Failed or TrialStatus.Cancelled or TrialStatus.Stopped && attempt > State.Attempt)
            Reopen();
        if (IsFinal || attempt < State.Attempt)
            return;
        State.Spec ??= trial;
        State.Status = TrialStatus.Running;
        State.Attempt = attempt;
        State.AttemptFloor = Math.Max(State.AttemptFloor, attemptFloor);
        State.Worker = worker;
        State.StartedAt = DateTimeOffset.UtcNow;
        await state.WriteStateAsync();
    }

    public async Task RecordCheckpointAsync(int attempt, int epoch)
    {
        if (IsFinal || attempt != State.Attempt || epoch <= State.CheckpointEpoch)
            return;
        State.CheckpointEpoch = epoch;
        await state.WriteStateAsync();
    }

    public async Task RequeuedAsync(int attempt)
    {
        if (State.Status != TrialStatus.Running || attempt != State.Attempt)
            return;
        State.Status = TrialStatus.Pending;
        State.AttemptFloor++;
        await state.WriteStateAsync();
    }

    public async Task TrainedAsync(int attempt, WorkOutcome outcome, int shards)
    {
        if (IsFinal || attempt != State.Attempt)
            return;
        State.Metrics = new Dictionary<string, double>(outcome.Metrics.Where(m => double.IsFinite(m.Value)), StringComparer.Ordinal);
        State.Shards = shards;
        if (shards > 0)
        {
            State.Status = TrialStatus.Evaluating;
        }
        else
        {
            State.Scores = [.. outcome.Scores];
            Finish(TrialStatus.Completed, null);
        }
        await state.WriteStateAsync();
    }

    public async Task<TrialState> ShardDoneAsync(int shard, IReadOnlyList<ObservationScore> scores)
    {
        if (State.Status != TrialStatus.Evaluating || State.ShardsDone.Contains(shard))
            return State;
        State.ShardsDone.Add(shard);
        State.Scores.AddRange(scores);
        State.Scores.Sort((a, b) => a.Observation.CompareTo(b.Observation));
        if (State.ShardsDone.Count >= State.Shards)
            Finish(TrialStatus.Completed, null);
        await state.WriteStateAsync();
        return State;
    }

    public async Task FailAsync(string reason)
    {
        if (IsFinal)
            return;
        Finish(TrialStatus.Failed, reason);
        await state.WriteStateAsync();
    }

    public async Task CancelAsync()
    {
        if (IsFinal)
            return;
        Finish(TrialStatus.Cancelled, "cancelled");
        await state.WriteStateAsync();
    }

    public async Task StopAsync(string reason, IReadOnlyDictionary<string, double> lastMetrics)
    {
        if (IsFinal)
            return;
        foreach (var (name, value) in lastMetrics.Where(m => double.IsFinite(m.Value)))
            State.Metrics[name] = value;
        Finish(TrialStatus.Stopped, reason);
        await state.WriteStateAsync();
    }

    public async Task DeleteAsync()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    public async Task<bool> ResetAsync()
    {
        if (State.Status is TrialStatus.Completed or TrialStatus.Pending)
            return false;
        Reopen();
        await state.WriteStateAsync();
        return true;
    }

    /// <summary>Keeps the attempt counter and checkpoint: a retry resumes where the last attempt stopped, with fresh attempts.</summary>
    private void Reopen()
    {
        State.Status = TrialStatus.Pending;
        State.AttemptFloor = State.Attempt;
        State.Reason = null;
        State.FinishedAt = null;
        State.ShardsDone.Clear();
        State.Scores.Clear();
    }

    private bool IsFinal => State.Status is TrialStatus.Completed or TrialStatus.Failed or TrialStatus.Cancelled or TrialStatus.Stopped;

    private void Finish(TrialStatus status, string? reason)
    {
        // A finished trial is read again rarely (a results page, a resume): its activation need not wait out the idle timeout.
        DeactivateOnIdle();
        State.Status = status;
        State.Reason = reason;
        State.FinishedAt = DateTimeOffset.UtcNow;
    }
}
