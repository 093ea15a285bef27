using Microsoft.Extensions.Logging;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;

namespace Orchestrator.Grains.Sweeps;

/// <summary>Queue rebuilding, lease expiry, retries and completion of <see cref="SweepGrain"/>.</summary>
public sealed partial class SweepGrain
{
    /// <summary>Rebuilds the in-memory queue from the trial grains (once per activation).</summary>
    private async Task RebuildAsync()
    {
        _trials.Clear();
        _status.Clear();
        _queue = new WorkQueue(time, _options.LeaseDuration);
        foreach (var trial in definition.State.Trials)
            _trials[trial.ConfigHash] = trial;
        var states = await Task.WhenAll(definition.State.Trials.Select(async t => (t.ConfigHash, State: await Trial(t.ConfigHash).GetAsync())));
        var running = phase.State.Phase == SweepPhase.Running;
        foreach (var (hash, state) in states)
        {
            _status[hash] = state.Status;
            _checkpointEpoch[hash] = state.CheckpointEpoch;
            if (!running)
                continue;
            switch (state.Status)
            {
                case TrialStatus.Running:
                    // Its lease died with the previous activation (the sweep's silo died, the cluster restarted). Its worker
                    // may still run it: held back so that the worker's next report adopts it; requeued (uncounted) otherwise.
                    _attemptFloor[hash] = state.AttemptFloor;
                    _queue.AddOrphan(TrainWork(hash, state.Attempt));
                    break;
                case TrialStatus.Pending:
                    _attemptFloor[hash] = state.AttemptFloor;
                    _queue.Enqueue(TrainWork(hash, state.Attempt + 1));
                    break;
                case TrialStatus.Evaluating:
                    for (var shard = 0; shard < state.Shards; shard++)
                        if (!state.ShardsDone.Contains(shard))
                            _queue.Enqueue(new PendingWork(WorkKind.Evaluate, hash, shard, ShardObservations(shard), 1));
                    break;
            }
        }
        if (running)
        {
            await GrainFactory.GetGrain<ISchedulerGrain>(SchedulerKey.Default).RegisterAsync(Name);
            StartTimer();
            await CheckFinishedAsync();
        }
    }

    private void StartTimer()
    {
        if (_timer is not null)
            return;
        // At most 5 s: the timer also requeues the leases of silos the membership declared dead.
        var period = TimeSpan.FromTicks(Math.Clamp(_options.LeaseDuration.Ticks / 4, TimeSpan.FromMilliseconds(250).Ticks, TimeSpan.FromSeconds(5).Ticks));
        _timer = this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions { DueTime = period, Period = period, KeepAlive = true });
    }

    private async Task OnTimerAsync(CancellationToken cancellation)
    {
        if (phase.State.Phase != SweepPhase.Running)
            return;
        foreach (var lease in _queue.Leases.Where(l => OnDeadSilo(l.Worker)).ToList())
        {
            // Fast path: the membership declared the worker's silo dead; no need to wait for the lease to run out.
            _queue.Release(lease.Id);
            LogSiloDead(Name, lease.Work.ConfigHash, lease.Worker, lease.Work.Attempt);
            RequeueUncounted(lease.Work, $"silo of worker {lease.Worker} died");
        }
        foreach (var orphan in _queue.ReleaseOrphans())
            RequeueUncounted(orphan, "its worker did not report after the sweep moved to another silo");
        foreach (var lease in _queue.Expire())
        {
            // Its worker or silo is gone (lease expiry is the safety net behind the workers' own reports): not the trial's fault.
            LogLeaseExpired(Name, lease.Work.ConfigHash, lease.Worker, lease.Work.Attempt);
            metrics.LeaseExpired();
            RequeueUncounted(lease.Work, $"lease lost (worker {lease.Worker} stopped heartbeating)");
        }
        if (Spec.Limits.TimeBudget is { } budget && time.GetUtcNow() - definition.State.SubmittedAt > budget)
        {
            Publish(null, $"time budget {budget} exhausted: cancelling the rest");
            await CancelAsync();
            return;
        }
        await CheckFinishedAsync();
    }

    private async Task RetryOrFailAsync(PendingWork work, string reason, bool retryable)
    {
        // Training attempts count per trial from the last resume; evaluation shards count their own attempts.
        var floor = work.Kind == WorkKind.Train ? _attemptFloor.GetValueOrDefault(work.ConfigHash) : 0;
        if (retryable && work.Attempt - floor < _options.MaxAttempts)
        {
            _queue.EnqueueFirst(work with { Attempt = work.Attempt + 1 });
            metrics.Requeued(work.Kind);
            if (work.Kind == WorkKind.Train)
                _status[work.ConfigHash] = TrialStatus.Pending;
            Publish(work.ConfigHash, $"requeued as attempt {work.Attempt + 1}: {reason}");
            return;
        }
        var final = retryable ? $"gave up after {Counted.Of(work.Attempt - floor, "attempt")}: {reason}" : reason;
        await Trial(work.ConfigHash).FailAsync(final);
        _status[work.ConfigHash] = TrialStatus.Failed;
        metrics.TrialFinished(Spec.Workload, TrialStatus.Failed);
        Publish(work.ConfigHash, $"failed: {final}");
    }

    /// <summary>Requeues work lost to the infrastructure; a training attempt so lost raises the floor, so it does not count.</summary>
    private void RequeueUncounted(PendingWork work, string reason)
    {
        metrics.Requeued(work.Kind);
        if (work.Kind == WorkKind.Train)
        {
            _attemptFloor[work.ConfigHash] = _attemptFloor.GetValueOrDefault(work.ConfigHash) + 1;
            _status[work.ConfigHash] = TrialStatus.Pending;
            _queue.EnqueueFirst(work with { Attempt = work.Attempt + 1 });
        }
        else
        {
            _queue.EnqueueFirst(work);
        }
        Publish(work.ConfigHash, $"requeued as attempt {work.Attempt + (work.Kind == WorkKind.Train ? 1 : 0)} (not counted): {reason}");
    }

    /// <summary>True when the worker's silo ("{silo}/cpu0") is known to the membership only as dead.</summary>
    private bool OnDeadSilo(string worker)
    {
        var slash = worker.IndexOf('/');
        if (slash <= 0)
            return false;
        var silo = worker[..slash];
        var members = membership.CurrentSnapshot.Members.Values.Where(m => m.Name == silo).ToList();
        return members.Count > 0 && members.All(m => m.Status == SiloStatus.Dead);
    }

    /// <summary>Work of a CUDA sweep goes only to "cuda:n" workers, of a CPU sweep only to "cpu" workers.</summary>
    private bool DeviceFits(string device)
    {
        var kind = device.Split(':')[0];
        return string.Equals(kind, Spec.Resources.Device.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    private async Task CheckFinishedAsync()
    {
        if (phase.State.Phase != SweepPhase.Running || _queue.PendingCount > 0 || _queue.Leases.Count > 0 || _queue.OrphanCount > 0)
            return;
        if (_status.Count(TrialStatus.Pending) + _status.Count(TrialStatus.Running) + _status.Count(TrialStatus.Evaluating) > 0)
            return;
        var allFailed = _status.Count(TrialStatus.Failed) > 0 && _status.Count(TrialStatus.Completed) == 0;
        await SetPhaseAsync(allFailed ? SweepPhase.Failed : SweepPhase.Completed, allFailed ? "failed: every trial failed" : "completed");
    }

    private async Task SetPhaseAsync(SweepPhase next, string message)
    {
        phase.State.Phase = next;
        await phase.WriteStateAsync();
        var scheduler = GrainFactory.GetGrain<ISchedulerGrain>(SchedulerKey.Default);
        if (next == SweepPhase.Running)
        {
            await scheduler.RegisterAsync(Name);
            StartTimer();
        }
        else
        {
            await scheduler.UnregisterAsync(Name);
            _timer?.Dispose();
            _timer = null;
            await WriteSummaryAsync();
        }
        Publish(null, message);
    }

    private async Task WriteSummaryAsync()
    {
        try
        {
            var results = await GetResultsAsync();
            await store.PutSummaryAsync(Name, System.Text.Encoding.UTF8.GetBytes(SummaryCsv.Write(results)));
        }
        catch (Exception e) when (e is IOException or Azure.RequestFailedException)
        {
            // The summary can be rebuilt from the trials at any time ('results --csv'); do not fail the sweep over it.
            LogSummaryFailed(e, Name);
        }
    }

    private PendingWork TrainWork(string hash, int attempt) =>
        new(WorkKind.Train, hash, 0, Spec.Evaluation.Shards > 1 ? [] : Spec.Evaluation.Observations, attempt);

    /// <summary>Shard k evaluates every Shards-th observation starting at k.</summary>
    private IReadOnlyList<int> ShardObservations(int shard) =>
        Spec.Evaluation.Observations.Where((_, i) => i % Spec.Evaluation.Shards == shard).ToList();

    private SweepStatus Status()
    {
        int Count(TrialStatus s) => _status.Count(s);
        return new SweepStatus(Name, phase.State.Phase, _trials.Count, Count(TrialStatus.Pending),
            Count(TrialStatus.Running) + Count(TrialStatus.Evaluating), Count(TrialStatus.Completed), Count(TrialStatus.Failed),
            Count(TrialStatus.Cancelled), definition.State.SpecHash, definition.State.SubmittedAt);
    }

    /// <summary>
    /// Tells the watchers; a lifecycle event (everything but an epoch's progress) is also one log line, so the silo's log
    /// reads as the sweep's history.
    /// </summary>
    private void Publish(string? trial, string message, WorkProgress? work = null)
    {
        var label = trial is null ? null : Label(_trials[trial]);
        if (work is null)
        {
            if (trial is null)
                LogSweepEvent(Name, message);
            else
                LogTrialEvent(Name, trial, label!, message);
        }
        if (_watchers.Count == 0)
            return;
        var progress = new SweepProgress(Status(), trial, trial is null ? null : _status.GetValueOrDefault(trial), work, message, label);
        foreach (var watcher in _watchers)
            watcher.Writer.TryWrite(progress);
    }

    /// <summary>What a user searched over, so progress reads "beta=25 seed=2" rather than a hash.</summary>
    private string Label(TrialSpec trial) =>
        string.Join(' ', Spec.Search.Keys.Order(StringComparer.Ordinal).Where(trial.Parameters.ContainsKey)
            .Select(k => $"{k}={trial.Parameters[k]}").Append($"seed={trial.Seed}"));

    private ITrialGrain Trial(string hash) => GrainFactory.GetGrain<ITrialGrain>($"{Name}/{hash}");

    private static bool IsFinal(TrialStatus status) => status is TrialStatus.Completed or TrialStatus.Failed or TrialStatus.Cancelled;

    private KeyNotFoundException NotFound() => new($"Sweep '{Name}' does not exist.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {Sweep} submitted: {Trials} trials ({Duplicates} duplicate configs removed)")]
    private partial void LogSubmitted(string sweep, int trials, int duplicates);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {Sweep}: {Event}")]
    private partial void LogSweepEvent(string sweep, string @event);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {Sweep}: trial {Trial} ({Label}) {Event}")]
    private partial void LogTrialEvent(string sweep, string trial, string label, string @event);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {Sweep}: lease of trial {Trial} on {Worker} (attempt {Attempt}) expired")]
    private partial void LogLeaseExpired(string sweep, string trial, string worker, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {Sweep}: silo of worker {Worker} died; trial {Trial} (attempt {Attempt}) requeued")]
    private partial void LogSiloDead(string sweep, string trial, string worker, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {Sweep}: checkpoint of trial {Trial} not recorded yet")]
    private partial void LogCheckpointNotRecorded(Exception exception, string sweep, string trial);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {Sweep}: could not write the summary")]
    private partial void LogSummaryFailed(Exception exception, string sweep);
}
