using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Storage;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Telemetry;
using Orchestrator.Protocol;
using Orchestrator.Workloads;

namespace Orchestrator.Grains.Sweeps;

/// <summary>
/// Coordinates one sweep. Expands the spec once at submit (config-hash dedup), then keeps the pending queue and leases in
/// memory; trial outcomes live in trial grains, so after a restart the queue is rebuilt from them: completed trials are
/// never rerun and a trial that was running when its silo died is requeued with attempt + 1 from its last checkpoint.
/// </summary>
public sealed partial class SweepGrain(
    [PersistentState("sweep", GrainStorageNames.State)] IPersistentState<SweepDefinitionState> definition,
    [PersistentState("sweep-phase", GrainStorageNames.State)] IPersistentState<SweepPhaseState> phase,
    IResultStore store, WorkloadRegistry workloads, IOptions<SweepOptions> options, TimeProvider time, OrchestratorMetrics metrics,
    IClusterMembershipService membership, ILogger<SweepGrain> logger) : Grain, ISweepGrain
{
    private readonly SweepOptions _options = options.Value;
    private readonly Dictionary<string, TrialSpec> _trials = new(StringComparer.Ordinal);
    private readonly TrialStatusBoard _status = new();
    // Attempt number from which the current run of a trial counts its MaxAttempts (raised by resume/retry).
    private readonly Dictionary<string, int> _attemptFloor = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _checkpointEpoch = new(StringComparer.Ordinal);
    private readonly List<Channel<SweepProgress>> _watchers = [];
    private WorkQueue _queue = null!;
    private IGrainTimer? _timer;
    private IDisposable? _gauges;

    private string Name => this.GetPrimaryKeyString();
    private SweepSpec Spec => definition.State.Spec!;
    private WorkloadDescriptor Workload => workloads.Get(Spec.Workload);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _queue = new WorkQueue(time, _options.LeaseDuration);
        _gauges = metrics.TrackSweep(Name, () => new SweepGauges(_queue.PendingCount, _queue.Leases.Count, _status.Counts));
        if (definition.RecordExists && definition.State.Spec is not null)
            await RebuildAsync();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _gauges?.Dispose();
        return base.OnDeactivateAsync(reason, cancellationToken);
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
        var expansion = SweepExpander.Expand(spec, workloads);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Trials, expansion.Trials.Count);
        await store.PutSpecAsync(Name, System.Text.Encoding.UTF8.GetBytes(spec.ToCanonicalJson()));
        definition.State = new SweepDefinitionState { Spec = spec, SpecHash = hash, Trials = [.. expansion.Trials], SubmittedAt = time.GetUtcNow(),
            TraceParent = Activity.Current?.Id };
        await definition.WriteStateAsync();
        phase.State.Phase = SweepPhase.Running;
        await phase.WriteStateAsync();
        await RebuildAsync();
        LogSubmitted(Name, _trials.Count, expansion.DuplicatesRemoved);
        return Status();
    }

    public Task<SweepStatus> GetStatusAsync() => Task.FromResult(Status());

    public async Task<SweepStatus> CancelAsync()
    {
        if (definition.State.Spec is null || phase.State.Phase != SweepPhase.Running)
            return definition.State.Spec is null ? throw NotFound() : Status();
        _queue.Clear();
        foreach (var hash in _trials.Keys.Where(h => !IsFinal(_status[h])).ToList())
        {
            await Trial(hash).CancelAsync();
            _status[hash] = TrialStatus.Cancelled;
            metrics.TrialFinished(Spec.Workload, TrialStatus.Cancelled);
        }
        await SetPhaseAsync(SweepPhase.Cancelled, "cancelled");
        return Status();
    }

    public async Task<SweepStatus> ResumeAsync(bool retryFailed)
    {
        if (definition.State.Spec is null)
            throw NotFound();
        foreach (var hash in _trials.Keys.ToList())
        {
            var status = _status[hash];
            if (status == TrialStatus.Cancelled || (retryFailed && status == TrialStatus.Failed))
            {
                if (!await Trial(hash).ResetAsync())
                    continue;
                var state = await Trial(hash).GetAsync();
                _attemptFloor[hash] = state.Attempt;
                _status[hash] = TrialStatus.Pending;
                _queue.Enqueue(TrainWork(hash, state.Attempt + 1));
            }
        }
        if (phase.State.Phase != SweepPhase.Running)
            await SetPhaseAsync(SweepPhase.Running, "resumed");
        await CheckFinishedAsync();
        return Status();
    }

    public async Task<WorkItem?> LeaseAsync(string workerId, string device)
    {
        if (definition.State.Spec is null || phase.State.Phase != SweepPhase.Running || !DeviceFits(device))
            return null;
        if (_queue.TryLease(workerId) is not { } lease)
            return null;
        var work = lease.Work;
        metrics.AttemptStarted(Spec.Workload, work.Kind);
        if (work.Kind == WorkKind.Train)
        {
            try
            {
                await Trial(work.ConfigHash).StartAttemptAsync(work.Attempt, workerId, _attemptFloor.GetValueOrDefault(work.ConfigHash));
            }
            catch
            {
                // Storage or the trial's silo is down: the work goes back to the front of the queue, no attempt used.
                _queue.Release(lease.Id);
                _queue.EnqueueFirst(work);
                throw;
            }
            _status[work.ConfigHash] = TrialStatus.Running;
        }
        Publish(work.ConfigHash, $"{work.Kind.ToString().ToLowerInvariant()} attempt {work.Attempt} on {workerId}");
        return new WorkItem(Name, lease.Id, work.Kind, _trials[work.ConfigHash], Spec.Workload, work.Attempt, work.Shard,
            work.Observations, device, _options.CheckpointEvery, _options.LeaseDuration.TotalSeconds, work.TraceParent ?? definition.State.TraceParent);
    }

    public async Task<bool> HeartbeatAsync(string leaseId, WorkProgress progress)
    {
        if (!_queue.Renew(leaseId) && _queue.TryAdopt(leaseId) is null)
            return false;
        var work = _queue.Get(leaseId)!.Work;
        if (progress.CheckpointEpoch > _checkpointEpoch.GetValueOrDefault(work.ConfigHash))
        {
            try
            {
                await Trial(work.ConfigHash).RecordCheckpointAsync(work.Attempt, progress.CheckpointEpoch);
                _checkpointEpoch[work.ConfigHash] = progress.CheckpointEpoch;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The lease is renewed all the same; the next heartbeat records the checkpoint.
                LogCheckpointNotRecorded(e, Name, work.ConfigHash);
            }
        }
        if (progress.Epoch > 0)
            Publish(work.ConfigHash, MetricText.Epoch(Workload, progress), progress);
        return true;
    }

    public async Task CompleteAsync(string leaseId, WorkOutcome outcome)
    {
        // The lease is released only once the outcome is stored: a report that fails half-way can be sent again.
        if ((_queue.Get(leaseId) ?? _queue.TryAdopt(leaseId)) is not { } lease || phase.State.Phase != SweepPhase.Running)
            return;
        var work = lease.Work;
        if (work.Kind == WorkKind.Train)
        {
            var shards = Spec.Evaluation.Shards > 1 ? Spec.Evaluation.Shards : 0;
            await Trial(work.ConfigHash).TrainedAsync(work.Attempt, outcome, shards);
            _queue.Release(leaseId);
            metrics.Objectives(_trials[work.ConfigHash], Spec.Workload, outcome.Metrics);
            if (shards > 0)
            {
                _status[work.ConfigHash] = TrialStatus.Evaluating;
                for (var shard = 0; shard < shards; shard++)
                    _queue.Enqueue(new PendingWork(WorkKind.Evaluate, work.ConfigHash, shard, ShardObservations(shard), 1, outcome.TraceParent));
                Publish(work.ConfigHash, $"trained{MetricText.Final(Workload, outcome.Metrics)}; {shards} evaluation shards queued");
            }
            else
            {
                _status[work.ConfigHash] = TrialStatus.Completed;
                metrics.TrialFinished(Spec.Workload, TrialStatus.Completed);
                var final = MetricText.WithScores(Workload, outcome.Metrics, outcome.Scores);
                Publish(work.ConfigHash, $"completed{MetricText.Final(Workload, final)}");
            }
        }
        else
        {
            // The trial keeps the shards' scores (first report of a shard wins), so a retried report is harmless.
            var state = await GrainFactory.GetGrain<ITrialGrain>($"{Name}/{work.ConfigHash}").ShardDoneAsync(work.Shard, outcome.Scores);
            _queue.Release(leaseId);
            if (state.Status == TrialStatus.Completed && _status[work.ConfigHash] != TrialStatus.Completed)
            {
                _status[work.ConfigHash] = TrialStatus.Completed;
                metrics.TrialFinished(Spec.Workload, TrialStatus.Completed);
                var primary = Workload.PrimaryMetric.Name;
                metrics.Objectives(_trials[work.ConfigHash], Spec.Workload, new Dictionary<string, double> { [primary] = state.ScoreMean });
                Publish(work.ConfigHash, $"completed{MetricText.Final(Workload, state.FinalMetrics(primary))}");
            }
        }
        await CheckFinishedAsync();
    }

    public async Task FailAsync(string leaseId, string reason, bool retryable)
    {
        if ((_queue.Get(leaseId) ?? _queue.TryAdopt(leaseId)) is not { } lease || phase.State.Phase != SweepPhase.Running)
            return;
        await RetryOrFailAsync(lease.Work, reason, retryable);
        _queue.Release(leaseId);
        await CheckFinishedAsync();
    }

    public Task RequeueAsync(string leaseId, string reason)
    {
        if ((_queue.Get(leaseId) ?? _queue.TryAdopt(leaseId)) is not null && _queue.Release(leaseId) is { } lease && phase.State.Phase == SweepPhase.Running)
            RequeueUncounted(lease.Work, reason);
        return Task.CompletedTask;
    }

    public async Task<SweepResults> GetResultsAsync()
    {
        if (definition.State.Spec is null)
            throw NotFound();
        var states = await Task.WhenAll(definition.State.Trials.Select(async t => (Trial: t, State: await Trial(t.ConfigHash).GetAsync())));
        var objective = Objective.Of(Spec, Workload)!; // validated at submit
        var rows = states.Select(s =>
        {
            var final = s.State.FinalMetrics(Workload.PrimaryMetric.Name);
            return new TrialRow(s.Trial.ConfigHash, s.Trial.GroupHash, s.Trial.Seed, s.State.Status, s.State.Attempt,
                final.TryGetValue(objective.Name, out var value) ? value : double.NaN, final, s.State.Reason, s.Trial.Parameters, s.State.Worker,
                s.State.StartedAt, s.State.FinishedAt);
        }).ToList();
        return new SweepResults(Status(), [.. Spec.Search.Keys.Order(StringComparer.Ordinal)], rows, SweepAggregation.Groups(rows),
            MetricColumn.Of(objective), MetricText.Columns(Workload, objective));
    }

    public async IAsyncEnumerable<SweepProgress> WatchAsync([EnumeratorCancellation] CancellationToken cancellation = default)
    {
        if (definition.State.Spec is null)
            throw NotFound();
        var channel = Channel.CreateBounded<SweepProgress>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
        _watchers.Add(channel);
        try
        {
            yield return new SweepProgress(Status(), null, null, null, "watching");
            if (Status().IsFinished)
                yield break;
            await foreach (var progress in channel.Reader.ReadAllAsync(cancellation))
            {
                yield return progress;
                if (progress.Status.IsFinished && progress.Trial is null)
                    yield break;
            }
        }
        finally
        {
            _watchers.Remove(channel);
        }
    }
}
