using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Orchestrator.Contracts.Storage;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Telemetry;
using Orchestrator.Protocol;
using Orchestrator.Workloads;

namespace Orchestrator.Grains.Workers;

/// <summary>
/// Runs one leased work item in a trial host through <see cref="TrialProcessRunner"/> (the one execution loop): fetches
/// the checkpoint, sends the request, appends metrics and uploads checkpoints, samples and the result as events come,
/// and reports the end to the sweep. A heartbeat loop renews the lease from lease to report, also while the item winds
/// down or waits out a storage outage; a lease the sweep no longer honours cancels the request (the host is killed
/// when it does not answer within the grace period). Every storage call and every report is retried through
/// <see cref="OutageRetry"/>. Failures of the trial itself are reported with <see cref="ISweepGrain.FailAsync"/>
/// (they count against MaxAttempts); failures of the infrastructure (storage, the host killed from outside, this
/// worker stopping) with <see cref="ISweepGrain.RequeueAsync"/>, which does not. A local file of the attempt that vanished
/// (the work folder cleaned up) is no outage: it fails the attempt at once, with the path in the reason. Returns how the item ended
/// ("completed", "failed", "cancelled", "lost", "died", "requeued") and records failures on the current (attempt) span.
/// </summary>
public sealed class WorkItemRun(WorkItem item, TrialProcess process, ISweepGrain sweep, IResultStore store, WorkItemRunOptions options)
{
    private volatile WorkProgress _progress = new(0, 0, new Dictionary<string, double>(), 0);
    private volatile bool _leaseLost;
    // Released when a checkpoint is stored, so the next heartbeat records it at once rather than up to a beat later
    // (a trial shorter than one beat would otherwise never have a recorded checkpoint to resume from).
    private readonly SemaphoreSlim _checkpointStored = new(0, 1);
    private int _skippedBatches;
    private readonly HashSet<int> _reportEpochs = [.. item.ReportEpochs ?? []];
    private CancellationTokenSource? _cancel;
    // A report epoch whose checkpoint is due: reported once that checkpoint is stored (or at the next epoch if none came).
    private int _reportAfterCheckpoint;

    private TimeSpan HeartbeatEvery => TimeSpan.FromSeconds(Math.Max(0.2, item.LeaseSeconds / 4));

    /// <summary>True when the sweep took the item back (requeued or cancelled) while it ran.</summary>
    public bool LeaseLost => _leaseLost;

    /// <summary>Runs the item and reports its end; <paramref name="stop"/> (worker shutting down) requeues it from its checkpoint.</summary>
    /// <param name="execution">Runs the prepared request: null = this item's own <see cref="TrialProcessRunner"/> (one
    /// attempt); a pack member's is its <see cref="PackExecution.Member"/>.</param>
    public async Task<string> ExecuteAsync(CancellationToken stop, RequestExecution? execution = null)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
        using var finished = new CancellationTokenSource();
        _cancel = cancel;
        var heartbeats = HeartbeatLoopAsync(cancel, finished.Token);
        try
        {
            return await RunAndReportAsync(cancel.Token, stop, execution);
        }
        finally
        {
            await finished.CancelAsync();
            await heartbeats;
        }
    }

    private string TrialDirectory => Path.Combine(options.WorkRoot, item.Sweep, item.Trial.ConfigHash);

    /// <summary>
    /// Deletes the item's local folder once it ended: what a resume or a shard needs went to the store as it came
    /// (checkpoints, samples, the result), so a slot's disk use does not grow with the trials it ran. Called by the slot
    /// after the item's log is stored, so that the log lands as soon after the report as before.
    /// </summary>
    public void DeleteWorkFolder()
    {
        try
        {
            if (Directory.Exists(TrialDirectory))
                Directory.Delete(TrialDirectory, recursive: true);
            var sweepDirectory = Path.GetDirectoryName(TrialDirectory)!;
            if (Directory.Exists(sweepDirectory) && !Directory.EnumerateFileSystemEntries(sweepDirectory).Any())
                Directory.Delete(sweepDirectory);
        }
        catch (IOException e)
        {
            options.OnTransientError?.Invoke(e);
        }
        catch (UnauthorizedAccessException e)
        {
            options.OnTransientError?.Invoke(e);
        }
    }

    private async Task<string> RunAndReportAsync(CancellationToken cancel, CancellationToken stop, RequestExecution? execution)
    {
        TrialProcessOutcome outcome;
        try
        {
            var trialDirectory = TrialDirectory;
            var output = Path.Combine(trialDirectory, item.Kind == WorkKind.Train ? $"train-{item.Attempt}" : $"shard-{item.Shard}-{item.Attempt}");
            Directory.CreateDirectory(output);
            var checkpoint = Path.Combine(trialDirectory, "checkpoint.bin");
            await options.Retry.RunAsync(() => DownloadCheckpointAsync(checkpoint, cancel), cancel);
            execution ??= new TrialProcessRunner(process) { MaxAttempts = 1, CancelGrace = options.CancelGrace }.RunAsync;
            // The trial host continues this trace: its training and evaluation spans are children of the attempt span.
            var request = WorkRequests.For(item, item.LeaseId, checkpoint, output, options.Threads, Activity.Current?.Id);
            outcome = await execution(request, OnEventAsync, cancel);
            options.HostDone?.Invoke(); // the host is free: the slot may lease its next item while this one is reported
        }
        catch (Exception e) when (IsMissingLocalFile(e) && !_leaseLost)
        {
            return await FailMissingLocalFileAsync(e);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !_leaseLost)
        {
            // Storage stayed down past the outage window, the host could not start, or this worker is stopping.
            var reason = stop.IsCancellationRequested ? "worker stopped" : $"infrastructure: {e.GetType().Name}: {e.Message}";
            Activity.Current?.AddException(e);
            await ReportAsync(() => sweep.RequeueAsync(item.LeaseId, reason));
            return stop.IsCancellationRequested ? "cancelled" : "requeued";
        }
        if (_leaseLost)
            return "lost"; // the sweep already took the item back
        switch (outcome.Terminal)
        {
            case Completed done:
                try
                {
                    await CompleteAsync(done);
                }
                catch (Exception e) when (IsMissingLocalFile(e))
                {
                    return await FailMissingLocalFileAsync(e);
                }
                return "completed";
            case Failed { Kind: FailureKinds.HostDied } when outcome.Deaths is [.., { Signal: "SIGKILL" }]:
                // Killed from outside (OOM killer, an operator): not the trial's doing.
                OrchestratorTelemetry.Fail(Activity.Current, outcome.Failed!.Reason);
                await ReportAsync(() => sweep.RequeueAsync(item.LeaseId, outcome.Failed!.Reason));
                return "died";
            case Failed f:
                OrchestratorTelemetry.Fail(Activity.Current, f.Reason);
                await ReportAsync(() => sweep.FailAsync(item.LeaseId, f.Reason, retryable: f.Kind is FailureKinds.Error or FailureKinds.HostDied));
                return f.Kind == FailureKinds.HostDied ? "died" : "failed";
            default:
                await ReportAsync(() => sweep.RequeueAsync(item.LeaseId, stop.IsCancellationRequested
                    ? "stopped at a checkpoint (worker shutting down)" : "cancelled"));
                return "cancelled";
        }
    }

    // A file of this attempt on the local disk vanished (a clean-up of the work folder): no outage to wait out. The
    // attempt fails, counted, and is retried from the checkpoint in storage.
    private static bool IsMissingLocalFile(Exception e) => e is FileNotFoundException or DirectoryNotFoundException;

    private async Task<string> FailMissingLocalFileAsync(Exception e)
    {
        var reason = $"a local file of the attempt is missing (deleted while the trial ran?): {e.Message}";
        OrchestratorTelemetry.Fail(Activity.Current, reason);
        await ReportAsync(() => sweep.FailAsync(item.LeaseId, reason, retryable: true));
        return "failed";
    }

    private async ValueTask OnEventAsync(TrialHostEvent hostEvent)
    {
        options.Log?.Event(hostEvent);
        // The sweep took the item back (stopped early, requeued, cancelled): what the host still produces is not stored,
        // so a stopped trial keeps the metrics and checkpoint of the epoch it was stopped at.
        if (_leaseLost)
            return;
        switch (hostEvent)
        {
            case Epoch e:
                if (_reportAfterCheckpoint > 0)
                    await ReportEpochAsync();
                _progress = _progress with { Epoch = e.EpochNumber, Epochs = e.Epochs, Metrics = e.Metrics };
                var stepSeconds = e[CommonMetrics.StepSeconds];
                var skipped = e.Metrics.TryGetValue(CommonMetrics.SkippedBatches, out var s) ? (int)s : _skippedBatches;
                options.Metrics?.Epoch(item.Trial, item.Workload, item.Device, stepSeconds, BatchSize / stepSeconds, skipped - _skippedBatches);
                _skippedBatches = skipped;
                await options.Retry.RunAsync(() => store.AppendMetricsAsync(item.Sweep, item.Trial.ConfigHash, [MetricLine(e)]));
                // A stopped trial then keeps a checkpoint of the very epoch it was judged on (what resume --promote continues from).
                if (_reportEpochs.Contains(e.EpochNumber) && e.EpochNumber % Math.Max(1, item.CheckpointEvery) == 0)
                    _reportAfterCheckpoint = e.EpochNumber;
                else if (_reportEpochs.Contains(e.EpochNumber))
                    await ReportEpochAsync();
                break;
            case CheckpointSaved c:
                await options.Retry.RunAsync(async () =>
                {
                    await using var file = File.OpenRead(c.Path);
                    await store.PutCheckpointAsync(item.Sweep, item.Trial.ConfigHash, file);
                });
                if (item.KeepEveryCheckpoint)
                {
                    await options.Retry.RunAsync(async () =>
                    {
                        await using var file = File.OpenRead(c.Path);
                        await store.PutCheckpointCopyAsync(item.Sweep, item.Trial.ConfigHash, c.EpochNumber, file);
                    });
                }
                _progress = _progress with { CheckpointEpoch = c.EpochNumber };
                if (_reportAfterCheckpoint == c.EpochNumber)
                    await ReportEpochAsync();
                else if (_checkpointStored.CurrentCount == 0)
                    _checkpointStored.Release();
                break;
            case Evaluated v:
                await options.Retry.RunAsync(async () =>
                {
                    await using var samples = File.OpenRead(v.SamplesPath);
                    await store.PutSamplesAsync(item.Sweep, item.Trial.ConfigHash, v.Observation, samples);
                });
                break;
        }
    }

    // An epoch the early-stopping policy decides on: reported now, whatever the training's speed; a stop cancels the request.
    private async Task ReportEpochAsync()
    {
        _reportAfterCheckpoint = 0;
        try
        {
            if (!await sweep.HeartbeatAsync(item.LeaseId, _progress))
            {
                _leaseLost = true;
                await _cancel!.CancelAsync();
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The sweep is unreachable: the heartbeat loop carries the epoch's metrics when it gets through.
            options.OnTransientError?.Invoke(e);
        }
    }

    // Renews the lease every HeartbeatEvery (and at once after a stored checkpoint) until the item is reported; a refused
    // renewal cancels the request.
    private async Task HeartbeatLoopAsync(CancellationTokenSource cancel, CancellationToken finished)
    {
        while (!finished.IsCancellationRequested)
        {
            try
            {
                await _checkpointStored.WaitAsync(HeartbeatEvery, finished);
                if (!await sweep.HeartbeatAsync(item.LeaseId, _progress))
                {
                    _leaseLost = true;
                    await cancel.CancelAsync();
                    return;
                }
            }
            catch (OperationCanceledException) when (finished.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The sweep's silo is unreachable for now: keep trying; lease expiry is the safety net.
                options.OnTransientError?.Invoke(e);
            }
        }
    }

    private async Task CompleteAsync(Completed done)
    {
        var summary = done.Summary;
        if (summary.Observations.Count > 0)
            options.Metrics?.Evaluated(item.Trial, item.Workload, summary.Timings.SamplingSeconds + summary.Timings.C2stSeconds);
        OrchestratorTelemetry.TagMetrics(Activity.Current, summary.Metrics);
        if (item.Kind == WorkKind.Train)
        {
            // Write-once per attempt: a duplicate report of the same attempt keeps the first result.
            var bytes = await File.ReadAllBytesAsync(done.ResultPath);
            await options.Retry.RunAsync(() => store.TryPutResultAsync(item.Sweep, item.Trial.ConfigHash, item.Attempt, bytes));
        }
        var scores = summary.Observations.Select(o => new Contracts.Trials.ObservationScore(o.Observation, o.Score)).ToList();
        await ReportAsync(() => sweep.CompleteAsync(item.LeaseId, new WorkOutcome(scores, summary.Metrics, summary.Timings.TotalSeconds, Activity.Current?.Id,
            item.Kind == WorkKind.Train && _progress.Epoch > 0 ? _progress.Metrics : null)));
    }

    // Reports go through the outage window too; past it the lease expires and the sweep requeues the item.
    private async Task ReportAsync(Func<Task> report)
    {
        try
        {
            await options.Retry.RunAsync(report);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            options.OnTransientError?.Invoke(e);
        }
    }

    private async Task DownloadCheckpointAsync(string path, CancellationToken cancellation)
    {
        await using var stored = await store.OpenCheckpointAsync(item.Sweep, item.Trial.ConfigHash, cancellation);
        if (stored is null)
        {
            File.Delete(path);
            return;
        }
        await using var file = File.Create(path);
        await stored.CopyToAsync(file, cancellation);
    }

    // One metrics.jsonl line: attempt, epoch, every epoch metric by its declared name (non-finite as null), time.
    private string MetricLine(Epoch e)
    {
        var line = new Dictionary<string, object?> { ["attempt"] = item.Attempt, ["epoch"] = e.EpochNumber };
        foreach (var (name, value) in e.Metrics)
            line[name] = Finite(value);
        line["at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        return JsonSerializer.Serialize(line);
    }

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    // Samples per step, for the throughput metric (workloads without a batch size report none).
    private double BatchSize => item.Trial.Parameters.TryGetValue("batchSize", out var b) && b.Kind == ParamKind.Integer
        ? b.Integer : double.NaN;
}

/// <summary>How a worker slot runs its items.</summary>
/// <param name="WorkRoot">Local folder of checkpoints and outputs before upload.</param>
/// <param name="Threads">Intra-op threads of each trial.</param>
/// <param name="Retry">Retries storage calls and reports through outages.</param>
/// <param name="CancelGrace">How long a cancelled host may take to answer before it is killed.</param>
/// <param name="OnTransientError">Sees errors that were retried or given up on (for the log).</param>
/// <param name="Metrics">Epoch and evaluation metrics (null: none).</param>
/// <param name="HostDone">Called once the trial host has answered the request, before uploads and the report.</param>
public sealed record WorkItemRunOptions(
    string WorkRoot, int Threads, OutageRetry Retry, TimeSpan CancelGrace, Action<Exception>? OnTransientError = null, OrchestratorMetrics? Metrics = null,
    TrialLog? Log = null, Action? HostDone = null);
