using Microsoft.Extensions.Logging;
using Orchestrator.Contracts.Storage;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Contracts.Workers;
using Orchestrator.Grains.Hosting;
using Orchestrator.Grains.Placement;
using Orchestrator.Grains.Sweeps;

namespace Orchestrator.Grains.Workers;

/// <summary>
/// One device slot on its own silo. A timer pulls work from the scheduler while the slot is idle; each item runs in this
/// slot's long-lived trial-host child process (see <see cref="WorkItemRun"/>), so a native abort costs one attempt of one
/// trial, never the silo. Nothing here blocks the Orleans scheduler: the child does the numerics, the grain only awaits
/// its events.
/// </summary>
[SiloNamePlacement]
public sealed partial class WorkerGrain(IResultStore store, OrchestratorOptions options, ILogger<WorkerGrain> logger) : Grain, IWorkerGrain
{
    private TrialProcess? _process;
    private IGrainTimer? _timer;
    private bool _running;
    private Task? _current;
    private WorkItem? _item;
    private CancellationTokenSource? _stop;
    private int _itemsDone;
    private int _restarts;

    private string Id => this.GetPrimaryKeyString();

    public Task StartAsync()
    {
        _running = true;
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
        var item = await GrainFactory.GetGrain<ISchedulerGrain>(SchedulerGrain.DefaultKey).LeaseAsync(Id);
        if (item is null)
            return;
        _item = item;
        _stop = new CancellationTokenSource();
        _current = RunAsync(item, _stop.Token);
    }

    private async Task RunAsync(WorkItem item, CancellationToken stop)
    {
        var sweep = GrainFactory.GetGrain<ISweepGrain>(item.Sweep);
        try
        {
            _process ??= new TrialProcess(TrialHostLaunch.Options(options) with { StderrLine = line => LogHostOutput(Id, line) });
            var generation = _process.Generation;
            await _process.EnsureStartedAsync(stop);
            if (generation > 0 && _process.Generation != generation)
                _restarts++;
            var run = new WorkItemRun(item, _process, sweep, store, Path.Combine(options.WorkPath, Sanitize(Id)), options.ThreadsPerTrial);
            await run.ExecuteAsync(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await sweep.FailAsync(item.LeaseId, $"worker {Id} stopped", retryable: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogItemError(e, Id, item.Sweep, item.Trial.ConfigHash);
            await sweep.FailAsync(item.LeaseId, $"worker {Id}: {e.Message}", retryable: true);
        }
        finally
        {
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
