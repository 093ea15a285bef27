using Microsoft.Extensions.Logging;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Trials;

namespace Orchestrator.Grains.Sweeps;

/// <summary>Reloading from the ledger, lease expiry, retries and completion of <see cref="SweepGrain"/>.</summary>
public sealed partial class SweepGrain
{
    /// <summary>
    /// Rebuilds the sweep once per activation: the ledger (one sequential read), the source moved past the trials that
    /// started, and the queue from the states of only the trials that were in flight.
    /// </summary>
    private async Task LoadAsync()
    {
        _source = TrialSources.Create(Spec, workloads);
        _stopPolicy = TrialStopPolicies.Create(Spec, Workload);
        _ledger = new SweepLedger(Objective.Minimize);
        var remembered = new List<Contracts.Scheduling.IntermediateResult>();
        await foreach (var (segment, line) in store.ReadLedgerAsync(Name))
        {
            // The scheduler's remembered results share the ledger, in arrival order: replayed, they give the same decisions.
            if (SchedulerLine.TryParse(line, out var result))
                remembered.Add(result);
            else if (PromotedLine.TryParse(line, out var promoted))
                _promoted.Add(promoted);
            else
                Reload(LedgerEntry.Parse(line));
            _appender.Loaded(segment, null);
        }
        _stopPolicy.Replay(remembered);
        StartCheckpointPolicy(restore: true);
        if (definition.State.Trials.Count > 0)
            await MigrateAsync();
        if (_source is IAdaptiveTrialSource adaptive)
            await RestoreAdaptiveAsync(adaptive);
        else
            _source.Restore(_ledger.MaxIndex + 1);
        // Listings read the scheduler's copy (sweeps stored before it existed report here once).
        await GrainFactory.GetGrain<ISchedulerGrain>(SchedulerKey.Default).ReportAsync(Status());
        if (phase.State.Phase != SweepPhase.Running)
            return;
        var inFlight = _ledger.WithStatus(TrialStatus.Running).Concat(_ledger.WithStatus(TrialStatus.Evaluating)).ToList();
        foreach (var batch in inFlight.Chunk(64))
        {
            var states = await Task.WhenAll(batch.Select(async t => (Trial: t, State: await StateOfAsync(t))));
            // A state that moved on (completed, failed, cancelled) while its ledger line did not make it (a trial grain of a
            // sweep stored before the state log) is recorded now, and a completion meets the checkpoint policy as it would have.
            var ended = states.Select(s => Recover(s.Trial, s.State)).OfType<LedgerEntry>().ToList();
            await AppendAsync(ended);
            foreach (var completed in ended.Where(e => e.Status == TrialStatus.Completed))
                _doomedCheckpoints.AddRange(_checkpoints.Completed(completed.Index, completed.ConfigHash, Objective.Loss(completed.Objective)));
        }
        await DeleteDoomedCheckpointsAsync();
        RequeueOrphans(); // those of a dead silo at once (its death is what usually moved the sweep)
        foreach (var trial in _ledger.WithStatus(TrialStatus.Pending))
            _queue.Enqueue(ReopenWork(trial));
        await GrainFactory.GetGrain<ISchedulerGrain>(SchedulerKey.Default).RegisterAsync(Name);
        StartTimer();
        await this.RegisterOrUpdateReminder(DispatchReminder, _options.ReminderPeriod, _options.ReminderPeriod);
        await CheckFinishedAsync();
    }

    /// <summary>One ledger line read on activation: folded in, and where its trial's state lives noted.</summary>
    private void Reload(LedgerEntry entry)
    {
        _appender.Loaded(entry.State);
        if (_ledger.Apply(entry) && entry.State is null && entry.Status is TrialStatus.Running or TrialStatus.Evaluating or TrialStatus.Completed)
            _trialGrains = true; // a start or end recorded before the state log: its state is in a trial grain
    }

    // A running sweep's reminder: its only job is this activation (OnActivateAsync reloads the sweep and starts the timer).
    private const string DispatchReminder = "dispatch";

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (phase.State.Phase != SweepPhase.Running && await this.GetReminder(reminderName) is { } stale)
            await this.UnregisterReminder(stale);
    }

    /// <summary>
    /// An adaptive source (TPE) continues from its history: the configuration of every started trial (its state), the
    /// loss of the completed ones (the ledger) and the epoch and loss the stopped ones were stopped at (the stop policy,
    /// replayed before). Reads one state per started trial, so only adaptive sweeps pay it.
    /// </summary>
    private async Task RestoreAdaptiveAsync(IAdaptiveTrialSource adaptive)
    {
        var started = new List<StartedTrial>();
        foreach (var batch in _ledger.All.Chunk(64))
            started.AddRange(await Task.WhenAll(batch.Select(async t => Started(t, (await StateOfAsync(t)).Spec))));
        adaptive.Restore(started);
    }

    private StartedTrial Started(LedgerTrial trial, TrialSpec? spec) =>
        trial.Status == TrialStatus.Completed ? new StartedTrial(trial.Index, spec, Objective.Loss(trial.Objective))
        : trial.Status == TrialStatus.Stopped && spec is not null && _stopPolicy.StoppedAt(spec) is { } stop ? new StartedTrial(trial.Index, spec, stop.Loss, stop.Epoch)
        : new StartedTrial(trial.Index, spec, null);

    /// <summary>Requeues one in-flight trial from its state; returns the ledger entry it lacks when that state is final.</summary>
    private LedgerEntry? Recover(LedgerTrial trial, TrialState state)
    {
        if (!state.IsFinal())
            _states[trial.ConfigHash] = state;
        var train = new PendingWork(WorkKind.Train, trial.Index, trial.ConfigHash, 0, TrainObservations, state.Attempt, state.AttemptFloor, state.Spec);
        switch (state.Status)
        {
            case TrialStatus.Running:
                // Its lease died with the previous activation (the sweep's silo died, the cluster restarted). Its worker
                // may still run it: held back so that the worker's next report adopts it; requeued (uncounted) otherwise.
                _queue.AddOrphan(train);
                break;
            case TrialStatus.Pending:
                _queue.Enqueue(train with { Attempt = state.Attempt + 1 });
                break;
            case TrialStatus.Evaluating:
                for (var shard = 0; shard < state.Shards; shard++)
                {
                    if (!state.ShardsDone.Contains(shard))
                        _queue.Enqueue(new PendingWork(WorkKind.Evaluate, trial.Index, trial.ConfigHash, shard, ShardObservations(shard), 1, 0, state.Spec));
                }
                break;
            default:
                return new LedgerEntry(trial.Index, trial.ConfigHash, trial.GroupHash, state.Status, state.Attempt, ObjectiveOf(state));
        }
        return null;
    }

    /// <summary>
    /// A sweep stored before the ledger existed (its definition lists every trial): its started trials are read once,
    /// written to the ledger, and the list is dropped. Later activations read only the ledger.
    /// </summary>
    private async Task MigrateAsync()
    {
        foreach (var batch in definition.State.Trials.Chunk(256))
        {
            var states = await Task.WhenAll(batch.Select(async t => (Trial: t, State: await Trial(t.ConfigHash).GetAsync())));
            var entries = states.Where(s => s.State.Attempt > 0 && _ledger.Find(s.Trial.Index) is null)
                .Select(s => new LedgerEntry(s.Trial.Index, s.Trial.ConfigHash, s.Trial.GroupHash, s.State.Status, s.State.Attempt,
                    ObjectiveOf(s.State)))
                .ToList();
            await AppendAsync(entries);
        }
        _trialGrains |= _ledger.Started > 0; // their states stay in their trial grains (read, and cleared by a delete)
        LogMigrated(Name, definition.State.Trials.Count, _ledger.Started);
        definition.State.Trials = [];
        await definition.WriteStateAsync();
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
        RequeueOrphans();
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

    /// <summary>
    /// Orphans (work running when the sweep moved) that their worker did not adopt within a lease, and at once those whose
    /// worker's silo the membership declares dead: nobody can adopt them (a silo declared dead stops itself, and a report
    /// from a worker the sweep no longer leases to is refused, so starting over duplicates no result).
    /// </summary>
    private void RequeueOrphans()
    {
        foreach (var orphan in _queue.ReleaseOrphans(OrphanOfDeadSilo))
            RequeueUncounted(orphan, OrphanOfDeadSilo(orphan) ? "its worker's silo died" : "its worker did not report after the sweep moved to another silo");
    }

    private bool OrphanOfDeadSilo(PendingWork orphan) => _states.TryGetValue(orphan.ConfigHash, out var state) && state.Worker is { } worker && OnDeadSilo(worker);

    private async Task RetryOrFailAsync(PendingWork work, string reason, bool retryable)
    {
        // Training attempts count per trial from the last resume; evaluation shards count their own attempts.
        var floor = work.Kind == WorkKind.Train ? work.Floor : 0;
        if (retryable && work.Attempt - floor < _options.MaxAttempts)
        {
            _queue.EnqueueFirst(work with { Attempt = work.Attempt + 1, Reopen = false });
            metrics.Requeued(work.Kind);
            Publish(work, $"requeued as attempt {work.Attempt + 1}: {reason}");
            return;
        }
        await EndAsync(work, TrialStatus.Failed, retryable ? $"gave up after {Counted.Of(work.Attempt - floor, "attempt")}: {reason}" : reason);
    }

    /// <summary>Ends a trial that did not complete (failed, or stopped early), in its state and in the ledger.</summary>
    private async Task EndAsync(PendingWork work, TrialStatus status, string reason, IReadOnlyDictionary<string, double>? lastMetrics = null)
    {
        var state = _states.TryGetValue(work.ConfigHash, out var held) ? stateCopier.Copy(held) : null;
        // A stopped trial's ledger line keeps the objective it was stopped at (when the objective is reported per epoch);
        // a state already final gets its ledger line only.
        await RecordAsync([new Transition(work, state?.End(status, reason, lastMetrics, time.GetUtcNow()) == true ? state : null, status,
            lastMetrics is null ? double.NaN : ObjectiveOf(lastMetrics))]);
        _states.Remove(work.ConfigHash);
        metrics.TrialFinished(Spec.Workload, status);
        Publish(work, $"{status.ToString().ToLowerInvariant()}: {reason}");
    }

    /// <summary>Requeues work lost to the infrastructure; a training attempt so lost raises the floor, so it does not count.</summary>
    private void RequeueUncounted(PendingWork work, string reason)
    {
        metrics.Requeued(work.Kind);
        if (work.Kind == WorkKind.Train)
            _queue.EnqueueFirst(work with { Attempt = work.Attempt + 1, Floor = work.Floor + 1, Reopen = false });
        else
            _queue.EnqueueFirst(work);
        Publish(work, $"requeued as attempt {work.Attempt + (work.Kind == WorkKind.Train ? 1 : 0)} (not counted): {reason}");
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
        if (_ledger.Count(TrialStatus.Pending) + _ledger.Count(TrialStatus.Running) + _ledger.Count(TrialStatus.Evaluating) > 0 || !_source.Exhausted || _held is not null)
            return;
        var allFailed = _ledger.Count(TrialStatus.Failed) > 0 && _ledger.Count(TrialStatus.Completed) == 0;
        await SetPhaseAsync(allFailed ? SweepPhase.Failed : SweepPhase.Completed, allFailed ? "failed: every trial failed" : "completed");
    }

    private async Task SetPhaseAsync(SweepPhase next, string message)
    {
        phase.State.Phase = next;
        await phase.WriteStateAsync();
        var scheduler = GrainFactory.GetGrain<ISchedulerGrain>(SchedulerKey.Default);
        await scheduler.ReportAsync(Status()); // also the phase and total the metrics gauges read
        if (next == SweepPhase.Running)
        {
            await scheduler.RegisterAsync(Name);
            StartTimer();
            await this.RegisterOrUpdateReminder(DispatchReminder, _options.ReminderPeriod, _options.ReminderPeriod);
        }
        else
        {
            await scheduler.UnregisterAsync(Name);
            _timer?.Dispose();
            _timer = null;
            if (await this.GetReminder(DispatchReminder) is { } reminder)
                await this.UnregisterReminder(reminder);
            await WriteSummaryAsync();
        }
        Publish(null, message);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {Sweep} submitted: {Trials} trials ({Duplicates} duplicate configs removed)")]
    private partial void LogSubmitted(string sweep, long trials, long duplicates);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {Sweep}: migrated its {Trials}-trial definition to the ledger ({Started} trials had started)")]
    private partial void LogMigrated(string sweep, int trials, int started);

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
