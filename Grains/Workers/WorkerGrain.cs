using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orchestrator.Contracts.Storage;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Contracts.Workers;
using Orchestrator.Grains.Hosting;
using Orchestrator.Grains.Placement;
using Orchestrator.Grains.Sweeps;
using Orchestrator.Grains.Telemetry;
using Orchestrator.Protocol;

namespace Orchestrator.Grains.Workers;

/// <summary>
/// One device slot on its own silo. A timer pulls work from the scheduler while the slot is idle; each item runs in this
/// slot's long-lived trial-host child process (see <see cref="WorkItemRun"/>), so a native abort costs one attempt of one
/// trial, never the silo. Nothing here blocks the Orleans scheduler: the child does the numerics, the grain only awaits
/// its events.
/// </summary>
[SiloNamePlacement]
public sealed partial class WorkerGrain(IResultStore store, OrchestratorOptions options, OrchestratorMetrics metrics, ILogger<WorkerGrain> logger)
    : Grain, IWorkerGrain
{
    private TrialProcess? _process;
    private IGrainTimer? _timer;
    private bool _running;
    private Task? _current;
    private WorkItem? _item;
    private CancellationTokenSource? _stop;
    private int _itemsDone;
    private int _restarts;
    private volatile bool _busy;
    private IDisposable? _gauge;

    private string Id => this.GetPrimaryKeyString();

    private string DeviceKind => Id.Contains("/gpu", StringComparison.Ordinal) ? "cuda" : "cpu";

    public Task StartAsync()
    {
        _running = true;
        _gauge ??= metrics.TrackWorker(Id, () => new WorkerGauge(DeviceKind, _busy));
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.FromMilliseconds(200),
            Period = TimeSpan.FromSeconds(1),
            KeepAlive = true,
        });
        LogStarted(Id);
        return Task.CompletedTask;
    }

    public async Task StopAsync()
    {
        _running = false;
        _gauge?.Dispose();
        _gauge = null;
        _timer?.Dispose();
        _timer = null;
        if (_current is { IsCompleted: false } current)
        {
            await (_stop?.CancelAsync() ?? Task.CompletedTask);
            await current.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Current);
        }
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }
    }

    public Task<WorkerStatus> GetStatusAsync() =>
        Task.FromResult(new WorkerStatus(Id, _running, _item?.Sweep, _item?.Trial.ConfigHash, _itemsDone, _restarts));

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await StopAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private async Task TickAsync(CancellationToken cancellation)
    {
        if (!_running || _current is { IsCompleted: false })
            return;
        var item = await GrainFactory.GetGrain<ISchedulerGrain>(SchedulerKey.Default).LeaseAsync(Id);
        if (item is null)
            return;
        _item = item;
        _stop = new CancellationTokenSource();
        _current = RunAsync(item, _stop.Token);
    }

    private async Task RunAsync(WorkItem item, CancellationToken stop)
    {
        var sweep = GrainFactory.GetGrain<ISweepGrain>(item.Sweep);
        // The attempt's span hangs below the sweep's (its traceparent came with the lease); the trial host continues it.
        ActivityContext.TryParse(item.TraceParent, null, out var parent);
        using var activity = OrchestratorTelemetry.Source.StartActivity(OrchestratorTelemetry.Spans.TrialAttempt, ActivityKind.Consumer, parent);
        TrialSpanTags.Tag(activity, item.Sweep, item.Trial, item.Workload, item.Attempt);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Kind, item.Kind == WorkKind.Train ? "train" : "evaluate");
        activity?.SetTag(OrchestratorTelemetry.Attributes.Shard, item.Shard);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Device, item.Device);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Silo, options.SiloName);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Worker, Id);
        var clock = Stopwatch.StartNew();
        var outcome = "failed";
        _busy = true;
        try
        {
            _process ??= new TrialProcess(TrialHostLaunch.Options(options) with { StderrLine = line => LogHostOutput(Id, line) });
            var generation = _process.Generation;
            await _process.EnsureStartedAsync(stop);
            if (generation > 0 && _process.Generation != generation)
            {
                _restarts++;
                metrics.TrialHostRestarted(DeviceKind);
            }
            var run = new WorkItemRun(item, _process, sweep, store, Path.Combine(options.WorkPath, Sanitize(Id)), options.ThreadsPerTrial, metrics);
            outcome = await run.ExecuteAsync(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            outcome = "cancelled";
            OrchestratorTelemetry.Fail(activity, $"worker {Id} stopped");
            await sweep.FailAsync(item.LeaseId, $"worker {Id} stopped", retryable: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogItemError(e, Id, item.Sweep, item.Trial.ConfigHash);
            activity?.AddException(e);
            OrchestratorTelemetry.Fail(activity, e.Message);
            await sweep.FailAsync(item.LeaseId, $"worker {Id}: {e.Message}", retryable: true);
        }
        finally
        {
            _busy = false;
            activity?.SetTag(OrchestratorTelemetry.Attributes.Outcome, outcome);
            metrics.AttemptEnded(item.Workload, item.Kind, outcome, clock.Elapsed.TotalSeconds);
            _item = null;
            _itemsDone++;
        }
    }

    private static string Sanitize(string id) => id.Replace('/', '_');

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker} trial host: {Line}")]
    private partial void LogHostOutput(string worker, string line);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker} started")]
    private partial void LogStarted(string worker);

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker {Worker}: item of sweep {Sweep} trial {Trial} failed")]
    private partial void LogItemError(Exception exception, string worker, string sweep, string trial);
}
