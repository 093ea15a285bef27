using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orchestrator.Contracts.Storage;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Protocol;
using Orchestrator.Contracts.Trials;
using Orchestrator.Contracts.Workers;
using Orchestrator.Grains.Hosting;
using Orchestrator.Grains.Sweeps;
using Orchestrator.Grains.Telemetry;

namespace Orchestrator.Grains.Workers;

/// <summary>
/// One device slot of this silo ("{silo}/cpu{n}"): a loop that leases work from the scheduler while idle and runs each
/// item in the slot's long-lived trial-host child process (<see cref="WorkItemRun"/>), so a native abort costs one
/// attempt of one trial, never the silo. It is a silo service, not a grain, on purpose: when a silo dies, Orleans
/// deactivates the grains whose directory entries that silo held — a worker grain would be deactivated with its trial
/// host and never leased again (the stall of a two-silo Redis cluster after <c>kill -9</c>). The slot lives exactly as
/// long as its silo; <see cref="WorkerGrain"/> only exposes it.
/// </summary>
public sealed partial class WorkerSlot(
    string id, OrchestratorOptions options, IGrainFactory grains, IResultStore store, OrchestratorMetrics metrics, ILogger logger) : IAsyncDisposable
{
    // With nothing to lease the slot asks again after 50 ms, doubling to 1 s while the queue stays empty: a new sweep's
    // first trials start within ~50 ms of a recent one, and an idle slot asks about once a second.
    private static readonly TimeSpan FirstIdlePoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private TrialProcess? _process;
    private Task? _loop;
    private WorkItem? _item;
    private volatile TrialLog? _log; // the running item's log: the host's stderr lines go there too
    private int _itemsDone;
    private int _restarts;
    private volatile bool _busy;
    private IDisposable? _gauge;
    // The next item, leased while the last one was being reported (its lease call overlaps that report).
    private Task<IReadOnlyList<WorkItem>>? _next;

    public string Id => id;

    /// <summary>The device the slot's trials run on: "cpu" or "cuda:{n}" for "{silo}/gpu{n}".</summary>
    public string Device => WorkerSlots.DeviceOf(id);

    private string DeviceKind => Device.Split(':')[0];

    // What pack: auto sizes this slot's packs by: its share of the machine's memory (the GC's view honours container
    // limits), or its GPU's; and how many slots of its kind this silo has.
    private long MemoryBytes => DeviceKind == "cpu"
        ? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / Math.Max(1, options.CpuSlots)
        : (long)(options.CudaMemoryGiB * (1L << 30));

    private int SiloSlots => DeviceKind == "cpu" ? options.CpuSlots : Math.Max(1, options.CudaSlots);

    public WorkerStatus Status => new(id, _loop is { IsCompleted: false }, _item?.Sweep, _item?.Trial.ConfigHash, _itemsDone, _restarts, _process?.ProcessId);

    /// <summary>Starts the lease loop (idempotent).</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_loop is not null || _stop.IsCancellationRequested)
                return;
            _gauge = metrics.TrackWorker(id, () => new WorkerGauge(DeviceKind, _busy));
            _loop = Task.Run(() => SuperviseAsync(_stop.Token));
        }
        LogStarted(id);
    }

    /// <summary>Stops at a checkpoint: the running item is cancelled (the host saves its checkpoint) and requeued.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is { } loop)
            await loop;
        await HandBackNextAsync();
        _gauge?.Dispose();
        if (_process is not null)
            await _process.ShutdownAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_process is not null)
            await _process.DisposeAsync();
    }

    // The lease loop never ends while the slot runs: whatever escapes it (a bug, OutOfMemoryException) is logged and
    // the loop restarts after a backoff, so a slot cannot stop leasing silently.
    private async Task SuperviseAsync(CancellationToken stop)
    {
        var backoff = new Backoff();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await LoopAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                var delay = backoff.Next();
                LogLoopDied(e, id, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        var scheduler = grains.GetGrain<ISchedulerGrain>(SchedulerKey.Default);
        var backoff = new Backoff();
        var idle = FirstIdlePoll;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // One item, or the members of a pack (resources.pack) to train as one fused model; perhaps leased ahead.
                // Held: nothing here (every earlier item was reported or given up), so a lease granted by a call whose reply
                // was lost comes back at once (ISweepGrain.LeasePackAsync).
                var items = await (Interlocked.Exchange(ref _next, null) ?? scheduler.LeasePackAsync(id, Device, MemoryBytes, SiloSlots, []));
                if (backoff.Failures > 0)
                    LogLoopRecovered(id, backoff.Failures);
                backoff.Reset();
                if (items.Count == 0)
                {
                    await Task.Delay(idle, stop);
                    idle = TimeSpan.FromTicks(Math.Min(IdlePoll.Ticks, idle.Ticks * 2));
                    continue;
                }
                idle = FirstIdlePoll;
                _item = items[0];
                await RunCountingRestartsAsync(items, stop, () =>
                {
                    if (!stop.IsCancellationRequested)
                        _next = scheduler.LeasePackAsync(id, Device, MemoryBytes, SiloSlots, [.. items.Select(i => i.LeaseId)]);
                });
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The scheduler or a sweep is unreachable (a silo just died, storage is down): try again after a backoff.
                var delay = backoff.Next();
                LogLoopError(e, id, delay.TotalSeconds);
                await Task.Delay(delay, stop);
            }
            finally
            {
                _item = null;
            }
        }
    }

    /// <param name="leaseNext">Called when a lone item's trial host has answered: the next lease overlaps its report.</param>
    private async Task RunCountingRestartsAsync(IReadOnlyList<WorkItem> items, CancellationToken stop, Action leaseNext)
    {
        _busy = true;
        var process = _process ??= new TrialProcess(TrialHostLaunch.Options(options) with
        {
            StderrLine = line =>
            {
                LogHostOutput(id, line);
                _log?.Add($"trial host: {line}");
            },
        });
        var generation = process.Generation;
        try
        {
            if (items.Count == 1)
            {
                await RunAsync(items[0], stop, hostDone: leaseNext);
                return;
            }
            // A pack: each member runs as its own item (span, log, heartbeats, reports) through one TrainPack request.
            var pack = new PackExecution(process, $"pack-{Guid.NewGuid():N}", items.Count, options.HostCancelGrace);
            var members = items.Select((item, i) => Task.Run(async () =>
            {
                try
                {
                    await RunAsync(item, stop, pack.Member(i));
                }
                finally
                {
                    pack.Leave(i);
                }
            })).ToList();
            await pack.RunAsync();
            await Task.WhenAll(members);
        }
        finally
        {
            _busy = false;
            if (generation > 0 && process.Generation != generation)
            {
                _restarts++;
                metrics.TrialHostRestarted(DeviceKind);
            }
        }
    }

    /// <param name="execution">Null: the item runs alone; else it is a member of a pack.</param>
    /// <param name="hostDone">Called once the trial host has answered this item.</param>
    private async Task RunAsync(WorkItem item, CancellationToken stop, RequestExecution? execution = null, Action? hostDone = null)
    {
        // The attempt's span hangs below the sweep's (its traceparent came with the lease); the trial host continues it.
        ActivityContext.TryParse(item.TraceParent, null, out var parent);
        using var activity = OrchestratorTelemetry.Source.StartActivity(OrchestratorTelemetry.Spans.TrialAttempt, ActivityKind.Consumer, parent);
        TrialSpanTags.Tag(activity, item.Sweep, item.Trial, item.Workload, item.Attempt);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Kind, item.Kind == WorkKind.Train ? "train" : "evaluate");
        activity?.SetTag(OrchestratorTelemetry.Attributes.Shard, item.Shard);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Device, item.Device);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Silo, options.SiloName);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Worker, id);
        var clock = Stopwatch.StartNew();
        var outcome = "failed";
        var log = new TrialLog(TimeProvider.System);
        log.Add($"{(item.Kind == WorkKind.Train ? "training" : $"evaluation shard {item.Shard}")}, attempt {item.Attempt}, on worker {id} ({item.Device})"
            + (execution is null ? "" : " in a pack"));
        if (execution is null)
            _log = log; // a pack's host output stays in the silo's log: it is not one member's
        var retry = new OutageRetry(options.StorageOutageWindow, (e, delay) => LogRetry(id, e.GetType().Name, FirstLine(e.Message), delay.TotalSeconds));
        var run = new WorkItemRun(item, _process!, grains.GetGrain<ISweepGrain>(item.Sweep), store,
            new WorkItemRunOptions(Path.Combine(options.WorkPath, id.Replace('/', '_')), options.ThreadsPerTrial, retry,
                options.HostCancelGrace, e => LogTransient(id, e.GetType().Name, FirstLine(e.Message)), metrics, log, hostDone));
        try
        {
            outcome = await run.ExecuteAsync(stop, execution);
        }
        finally
        {
            Interlocked.Increment(ref _itemsDone);
            activity?.SetTag(OrchestratorTelemetry.Attributes.Outcome, outcome);
            metrics.AttemptEnded(item.Workload, item.Kind, outcome, clock.Elapsed.TotalSeconds);
            if (execution is null)
                _log = null;
            log.Add($"ended {outcome} after {clock.Elapsed.TotalSeconds:F1} s");
            await StoreLogAsync(item, log);
            run.DeleteWorkFolder();
        }
    }

    // An item leased ahead but never run goes back to its sweep (not counted as an attempt); if this fails, its lease expires.
    private async Task HandBackNextAsync()
    {
        if (Interlocked.Exchange(ref _next, null) is not { } next)
            return;
        try
        {
            foreach (var item in await next)
                await grains.GetGrain<ISweepGrain>(item.Sweep).RequeueAsync(item.LeaseId, "worker stopped");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogTransient(id, e.GetType().Name, $"an item leased ahead was not handed back: {FirstLine(e.Message)}");
        }
    }

    // Best effort, once: a log must not hold the slot through a storage outage (the lifecycle is in the silo's log too).
    private async Task StoreLogAsync(WorkItem item, TrialLog log)
    {
        try
        {
            await store.AppendLogAsync(item.Sweep, item.Trial.ConfigHash, log.Drain());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogTransient(id, e.GetType().Name, $"trial log not stored: {FirstLine(e.Message)}");
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd();

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker} started")]
    private partial void LogStarted(string worker);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker} trial host: {Line}")]
    private partial void LogHostOutput(string worker, string line);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker}: lease loop error; retrying in {Seconds:F1} s")]
    private partial void LogLoopError(Exception exception, string worker, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker}: the scheduler answers again after {Failures} failed lease call(s)")]
    private partial void LogLoopRecovered(string worker, int failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker {Worker}: lease loop died; restarting it in {Seconds:F1} s")]
    private partial void LogLoopDied(Exception exception, string worker, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker}: {Error}: {Message}; retrying in {Seconds:F1} s")]
    private partial void LogRetry(string worker, string error, string message, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker}: {Error}: {Message}")]
    private partial void LogTransient(string worker, string error, string message);
}
