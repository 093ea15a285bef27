using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Storage;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Telemetry;
using Orchestrator.Grains.Trials;
using Orchestrator.Protocol;
using Orchestrator.Workloads;
using Orleans.Serialization;

namespace Orchestrator.Grains.Sweeps;

/// <summary>
/// Coordinates one sweep: its spec plus an index space (<see cref="ITrialSource"/>), so submit is O(1) and nothing
/// exists per trial until it starts. New work is the source's next trial; requeued work and leases live in a
/// <see cref="WorkQueue"/>; every transition of a trial is appended to the sweep's ledger and folded into a
/// <see cref="SweepLedger"/> (counts, group mean ± SEM, best so far), its state to the sweep's state log (SweepGrain.States.cs). A restarted sweep reads its ledger and the
/// states of only the trials that were in flight: completed trials are never rerun, and a trial that was running
/// when its silo died is requeued from its last checkpoint.
/// </summary>
public sealed partial class SweepGrain(
    [PersistentState("sweep", GrainStorageNames.State)] IPersistentState<SweepDefinitionState> definition,
    [PersistentState("sweep-phase", GrainStorageNames.State)] IPersistentState<SweepPhaseState> phase,
    IResultStore store, WorkloadRegistry workloads, IOptions<SweepOptions> options, TimeProvider time, OrchestratorMetrics metrics,
    IClusterMembershipService membership, Hosting.SweepDataCheck dataCheck, Serializer<TrialState> stateCodec,
    DeepCopier<TrialState> stateCopier, Hosting.SiloStopping siloStopping, ILogger<SweepGrain> logger) : Grain, ISweepGrain, IRemindable
{
    private readonly SweepOptions _options = options.Value;
    private readonly List<Channel<SweepProgress>> _watchers = [];
    private SweepLedger _ledger = new();
    private ITrialSource _source = null!;
    private ITrialStopPolicy _stopPolicy = new FifoStopPolicy();
    private WorkQueue _queue = null!;
    private IGrainTimer? _timer;
    private IDisposable? _gauges;

    private string Name => this.GetPrimaryKeyString();
    private SweepSpec Spec => definition.State.Spec!;
    private WorkloadDescriptor Workload => workloads.Get(Spec.Workload);
    // The metric trials are ranked by (validated at submit).
    private Objective Objective => Objective.Of(Spec, Workload)!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _queue = new WorkQueue(time, _options.LeaseDuration);
        _appender = new SweepAppender(store, Name, stateCodec, metrics, entries =>
        {
            foreach (var entry in entries)
                _ledger.Apply(entry);
        });
        _gauges = metrics.TrackSweep(Name, () =>
        {
            var counts = Counts((SweepPhase)Volatile.Read(ref _gaugePhase));
            return new SweepGauges(counts[(int)TrialStatus.Pending], _queue.Leases.Count, counts);
        });
        if (definition.RecordExists && definition.State.Spec is not null)
            await LoadAsync();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _gauges?.Dispose();
        try
        {
            // Leases' starts written behind their replies are appended before the activation goes (a failure: they are leased again).
            await _appender.FlushAsync().WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogStartsNotRecorded(e, Name, 0);
        }
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task<SweepStatus> SubmitAsync(SweepSpec spec)
    {
        var hash = spec.ContentHash();
        if (definition.State.Spec is not null)
        {
            if (definition.State.SpecHash != hash)
                throw new ArgumentException($"Sweep '{Name}' already exists with a different spec (hash {definition.State.SpecHash}, submitted {hash}); choose another name.");
            return Status();
        }
        if (spec.Name != Name)
            throw new ArgumentException($"Spec name '{spec.Name}' does not match the sweep grain '{Name}'.");
        if (!_options.AcceptTestFaults && (spec.Fixed.ContainsKey(Workers.WorkRequests.FaultParameter) || spec.Search.ContainsKey(Workers.WorkRequests.FaultParameter)))
            throw new ArgumentException($"'{Workers.WorkRequests.FaultParameter}' is a test-only parameter; this silo does not enable test faults (Orchestrator:EnableTestFaults).");
        // The sweep's span: every trial attempt's span hangs below it, so one trace shows the sweep end to end.
        using var activity = OrchestratorTelemetry.Source.StartActivity(OrchestratorTelemetry.Spans.Sweep);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Sweep, Name);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Workload, spec.Workload);
        var device = spec.Resources.Device.ToString().ToLowerInvariant();
        if (device != "cpu" && !await GrainFactory.GetGrain<ISchedulerGrain>(SchedulerKey.Default).HasWorkersOfAsync(device))
            throw new ArgumentException($"resources.device is {device}, but no silo of this cluster has a {device} worker slot (Orchestrator:CudaSlots); submit with device: cpu or start a silo with a GPU.");
        // Validates the spec; O(axes), whatever the number of trials.
        _source = TrialSources.Create(spec, workloads);
        dataCheck.Require(spec, workloads);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Trials, (int)Math.Min(_source.Planned, int.MaxValue));
        await store.PutSpecAsync(Name, System.Text.Encoding.UTF8.GetBytes(spec.ToCanonicalJson()));
        definition.State = new SweepDefinitionState { Spec = spec, SpecHash = hash, SubmittedAt = time.GetUtcNow(), TraceParent = Activity.Current?.Id };
        await definition.WriteStateAsync();
        _stopPolicy = TrialStopPolicies.Create(spec, workloads.Get(spec.Workload));
        StartCheckpointPolicy(restore: false);
        await SetPhaseAsync(SweepPhase.Running, "submitted");
        LogSubmitted(Name, _source.Planned, _source.DuplicatesSkipped);
        return Status();
    }

    /// <summary>The sweep's counts; an unknown sweep answers an empty status (as it always has: watchers poll before a submit lands).</summary>
    public Task<SweepStatus> GetStatusAsync() => Task.FromResult(definition.State.Spec is null
        ? new SweepStatus(Name, phase.State.Phase, 0, 0, 0, 0, 0, 0, "", default)
        : Status());

    public async Task<SweepStatus> CancelAsync()
    {
        if (definition.State.Spec is null || phase.State.Phase != SweepPhase.Running)
            return definition.State.Spec is null ? throw NotFound() : Status();
        // Trials that never started stay unmaterialised (counted cancelled); only work in flight is marked, in batches.
        var inFlight = _queue.Clear();
        var now = time.GetUtcNow();
        foreach (var batch in inFlight.Chunk(64))
        {
            // A held state ends cancelled; work without one (resumed, not started again) needs its ledger line only.
            var ended = batch.Select(w => (Work: w, State: _states.TryGetValue(w.ConfigHash, out var live) ? stateCopier.Copy(live) : null))
                .Select(e => new Transition(e.Work, e.State?.End(TrialStatus.Cancelled, "cancelled", null, now) == true ? e.State : null, TrialStatus.Cancelled))
                .ToList();
            await RecordAsync(ended);
            foreach (var work in batch)
                _states.Remove(work.ConfigHash);
        }
        foreach (var _ in inFlight)
            metrics.TrialFinished(Spec.Workload, TrialStatus.Cancelled);
        await SetPhaseAsync(SweepPhase.Cancelled, "cancelled");
        return Status();
    }

    public async Task<SweepStatus> ResumeAsync(bool retryFailed)
    {
        if (definition.State.Spec is null)
            throw NotFound();
        var reopen = _ledger.WithStatus(TrialStatus.Cancelled)
            .Concat(retryFailed ? _ledger.WithStatus(TrialStatus.Failed) : []).ToList();
        // One ledger append per 1,000 trials; their states are reopened lazily, when each starts again.
        foreach (var batch in reopen.Chunk(1000))
            await AppendAsync([.. batch.Select(t => new LedgerEntry(t.Index, t.ConfigHash, t.GroupHash, TrialStatus.Pending, t.Attempt))]);
        foreach (var trial in reopen)
            _queue.Enqueue(ReopenWork(trial));
        if (phase.State.Phase != SweepPhase.Running)
            await SetPhaseAsync(SweepPhase.Running, "resumed");
        await CheckFinishedAsync();
        return Status();
    }

    public async Task<WorkItem?> LeaseAsync(string workerId, string device) =>
        (await LeaseBatchAsync(workerId, device, 1)).FirstOrDefault();

    public Task<IReadOnlyList<WorkItem>> LeaseBatchAsync(string workerId, string device, int max) =>
        LeaseWorkAsync(workerId, device, Math.Clamp(max, 1, 64), null);

    /// <param name="fits">Null: any work; else asked before each item is leased (packing): the first that does not fit ends the batch.</param>
    private async Task<IReadOnlyList<WorkItem>> LeaseWorkAsync(string workerId, string device, int max, Func<PendingWork, bool>? fits)
    {
        if (definition.State.Spec is null || phase.State.Phase != SweepPhase.Running || !DeviceFits(device))
            return [];
        var turn = Stopwatch.GetTimestamp();
        var leases = new List<Lease>();
        try
        {
            while (leases.Count < max && _queue.TryLease(workerId, fits is null ? NextFromSource : () => NextFitting(fits), fits) is { } lease)
            {
                leases.Add(lease);
                if (lease.Work.Trial is null)
                    _queue.Update(lease.Id, lease.Work with { Trial = await ResolveAsync(lease.Work.Index, lease.Work.ConfigHash) });
            }
            leases = [.. leases.Select(l => _queue.Get(l.Id)!)];
            var now = time.GetUtcNow();
            var starts = new List<Transition>();
            foreach (var work in leases.Select(l => l.Work).Where(w => w.Kind == WorkKind.Train))
            {
                var state = await NextStateAsync(work);
                starts.Add(new Transition(work, state.Start(work.Attempt, workerId, work.Floor, work.Trial!, work.Reopen, now) ? state : null, TrialStatus.Running));
            }
            // Write-behind: the items go out while their starts are appended (states, then ledger lines, grouped with what
            // else is queued), so the next lease or report need not wait for them. A crash before that append loses only
            // these starts: the trials were never started as far as the store knows, and are leased again. A report of them
            // waits for everything appended before its own lines (SweepAppender keeps order).
            foreach (var start in starts)
                Hold(start.Work.ConfigHash, start.State);
            _ = WriteBehindAsync(RecordAsync(starts), starts.Count);
        }
        catch
        {
            // A trial's state could not be read (storage down): the work goes back to the front of the queue, in order, no attempt used.
            foreach (var lease in Enumerable.Reverse(leases))
            {
                _queue.Release(lease.Id);
                _queue.EnqueueFirst(lease.Work);
            }
            throw;
        }
        foreach (var work in leases.Select(l => l.Work))
        {
            metrics.AttemptStarted(Spec.Workload, work.Kind);
            Publish(work, $"{work.Kind.ToString().ToLowerInvariant()} attempt {work.Attempt} on {workerId}");
        }
        metrics.SweepTurn(SweepTurnParts.Lease, turn);
        return [.. leases.Select(l => ItemOf(l, device))];
    }

    private WorkItem ItemOf(Lease lease, string device) => new(Name, lease.Id, lease.Work.Kind, lease.Work.Trial!, Spec.Workload,
        lease.Work.Attempt, lease.Work.Shard, lease.Work.Observations, device, _options.CheckpointEvery, _options.LeaseDuration.TotalSeconds,
        lease.Work.TraceParent ?? definition.State.TraceParent,
        lease.Work.Kind == WorkKind.Train && !_promoted.Contains(lease.Work.ConfigHash) ? _stopPolicy.ReportEpochs : null,
        CheckpointPolicy.Of(Spec).Keep == CheckpointKeep.All);

    // A slot makes one lease call at a time, so a lease it was granted but does not hold was granted by a call whose reply
    // it never received (the silo holding this sweep stopped mid-call; the call was forwarded here). Giving the same lease
    // again, same attempt, lets the trial run at once instead of after the lease expires.
    private IReadOnlyList<WorkItem> Redeliver(string workerId, string device, IReadOnlyList<string> held)
    {
        if (definition.State.Spec is null || phase.State.Phase != SweepPhase.Running)
            return [];
        var lost = _queue.Unreceived(workerId, held.ToHashSet(StringComparer.Ordinal)).Where(l => l.Work.Trial is not null).ToList();
        foreach (var lease in lost)
            Publish(lease.Work, $"{lease.Work.Kind.ToString().ToLowerInvariant()} attempt {lease.Work.Attempt} given again to {workerId} (its lease reply was lost)");
        return [.. lost.Select(l => ItemOf(l, device))];
    }

    public async Task<bool> HeartbeatAsync(string leaseId, WorkProgress progress)
    {
        if (!_queue.Renew(leaseId) && _queue.TryAdopt(leaseId) is null)
            return false;
        var work = _queue.Get(leaseId)!.Work;
        if (_states.TryGetValue(work.ConfigHash, out var held) && progress.CheckpointEpoch > held.CheckpointEpoch
            && stateCopier.Copy(held) is var state && state.Checkpointed(work.Attempt, progress.CheckpointEpoch))
        {
            try
            {
                await RecordAsync([new Transition(work, state, TrialStatus.Running)]);
                Hold(work.ConfigHash, state);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The lease is renewed all the same; the next heartbeat records the checkpoint.
                LogCheckpointNotRecorded(e, Name, work.ConfigHash);
            }
        }
        if (progress.Epoch <= 0)
            return true;
        Publish(work, MetricText.Epoch(Workload, progress), progress);
        if (work.Kind != WorkKind.Train || work.Trial is null || _promoted.Contains(work.ConfigHash))
            return true;
        var (decision, remember) = _stopPolicy.OnReport(work.Trial, progress);
        if (remember is not null)
            await AppendLinesAsync([SchedulerLine.Of(remember)]);
        if (!decision.Stop)
            return true;
        // The policy stops it: the lease ends here, so the worker stops at this answer; the trial keeps its checkpoint.
        _queue.Release(leaseId);
        // The reason quotes the epoch's labelled values; the state keeps them by the rule of a finished trial's metrics (only
        // per-epoch metrics that no final metric names: fff-sbi's per-epoch valNll is not the final one), so a results column
        // means one thing for every row.
        var values = MetricText.Values(Workload.EpochMetrics, progress.Metrics, MetricText.Shown, ", ", "G4");
        await EndAsync(work, TrialStatus.Stopped, $"stopped at epoch {progress.Epoch} ({values}): {decision.Reason}",
            Workload.TrialMetrics(new Dictionary<string, double>(), progress.Metrics));
        if (_stopPolicy.StoppedAt(work.Trial) is { } stop)
            _source.ObserveStopped(work.Trial, stop.Epoch, stop.Loss);
        await CheckFinishedAsync();
        return false;
    }

    public async Task FailAsync(string leaseId, string reason, bool retryable)
    {
        if ((_queue.Get(leaseId) ?? _queue.TryAdopt(leaseId)) is not { } lease || phase.State.Phase != SweepPhase.Running)
            return;
        await RetryOrFailAsync(lease.Work, reason, retryable);
        _queue.Release(leaseId);
        await CheckFinishedAsync();
    }

    public async Task RequeueAsync(string leaseId, string reason)
    {
        if ((_queue.Get(leaseId) ?? _queue.TryAdopt(leaseId)) is not { } held)
            return;
        // Recorded before the lease ends (a failed write keeps it; the worker reports again): when this silo is the one
        // shutting down, the sweep reloaded elsewhere requeues the training at once instead of holding it back a lease.
        if (held.Work.Kind == WorkKind.Train && phase.State.Phase == SweepPhase.Running && _states.TryGetValue(held.Work.ConfigHash, out var live)
            && stateCopier.Copy(live) is var state && state.Requeued(held.Work.Attempt))
        {
            await RecordAsync([new Transition(held.Work, state, TrialStatus.Running)]);
            Hold(held.Work.ConfigHash, state);
        }
        if (_queue.Release(leaseId) is { } lease && phase.State.Phase == SweepPhase.Running)
            RequeueUncounted(lease.Work, reason);
    }

    /// <summary>The source's next trial as training work (null when it has none now); a trial held back by packing first.</summary>
    private PendingWork? NextFromSource()
    {
        if (_held is { } held)
        {
            _held = null;
            return held;
        }
        return _source.Next() is { } trial
            ? new PendingWork(WorkKind.Train, trial.Index, trial.ConfigHash, 0, TrainObservations, 1, 0, trial)
            : null;
    }
}
