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
/// Runs one leased work item in a trial host: fetches its checkpoint from the result store, sends the request, then
/// follows the host's events — heartbeats the lease, appends metrics, uploads checkpoints, samples and the result —
/// until the item ends. A lease the sweep no longer honours cancels the item. Returns how the item ended
/// ("completed", "failed", "cancelled", "lost", "died") and records it on the current (attempt) span.
/// </summary>
public sealed class WorkItemRun(
    WorkItem item, TrialProcess process, ISweepGrain sweep, IResultStore store, string workRoot, int threads, OrchestratorMetrics metrics)
{
    private int _skippedBatches;

    private WorkProgress _progress = new(0, 0, double.NaN, double.NaN, 0);
    private DateTimeOffset _lastHeartbeat = DateTimeOffset.UtcNow;
    private bool _leaseLost;

    private TimeSpan HeartbeatEvery => TimeSpan.FromSeconds(Math.Max(0.2, item.LeaseSeconds / 4));

    public async Task<string> ExecuteAsync(CancellationToken stop)
    {
        var trialDirectory = Path.Combine(workRoot, item.Sweep, item.Trial.ConfigHash);
        var output = Path.Combine(trialDirectory, item.Kind == WorkKind.Train ? $"train-{item.Attempt}" : $"shard-{item.Shard}-{item.Attempt}");
        Directory.CreateDirectory(output);
        var checkpoint = Path.Combine(trialDirectory, "checkpoint.bin");
        await DownloadCheckpointAsync(checkpoint, stop);
        var requestId = item.LeaseId;
        // The trial host continues this trace: its training and evaluation spans are children of the attempt span.
        await process.SendAsync(WorkRequests.For(item, requestId, checkpoint, output, threads, Activity.Current?.Id), stop);
        var cancelSent = false;
        while (true)
        {
            if ((stop.IsCancellationRequested || _leaseLost) && !cancelSent)
            {
                cancelSent = true;
                await process.SendAsync(new CancelRequest(requestId), CancellationToken.None);
            }
            var next = await NextEventAsync();
            if (next is null)
            {
                await HeartbeatAsync();
                continue;
            }
            if (next.RequestOf is { } of && of != requestId)
                continue; // a late event of an earlier request
            switch (next)
            {
                case Epoch e:
                    _progress = _progress with { Epoch = e.EpochNumber, Epochs = e.Epochs, TrainLoss = e.TrainLoss, ValidationNll = e.ValNll };
                    await store.AppendMetricsAsync(item.Sweep, item.Trial.ConfigHash, [MetricLine(e)]);
                    metrics.Epoch(item.Trial, item.Workload, item.Device, e.StepSeconds, BatchSize / e.StepSeconds, e.SkippedBatches - _skippedBatches);
                    _skippedBatches = e.SkippedBatches;
                    await HeartbeatAsync(force: true);
                    break;
                case CheckpointSaved c:
                    await using (var file = File.OpenRead(c.Path))
                        await store.PutCheckpointAsync(item.Sweep, item.Trial.ConfigHash, file);
                    _progress = _progress with { CheckpointEpoch = c.EpochNumber };
                    await HeartbeatAsync(force: true);
                    break;
                case Evaluated v:
                    await using (var samples = File.OpenRead(v.SamplesPath))
                        await store.PutSamplesAsync(item.Sweep, item.Trial.ConfigHash, v.Observation, samples);
                    await HeartbeatAsync();
                    break;
                case Completed done:
                    await CompleteAsync(done);
                    return _leaseLost ? "lost" : "completed";
                case Failed f:
                    OrchestratorTelemetry.Fail(Activity.Current, f.Reason);
                    if (!_leaseLost)
                        await sweep.FailAsync(item.LeaseId, f.Reason, retryable: f.Kind == FailureKinds.Error);
                    return "failed";
                case Cancelled:
                    if (!_leaseLost)
                        await sweep.FailAsync(item.LeaseId, "stopped before the end (worker shutting down)", retryable: true);
                    return _leaseLost ? "lost" : "cancelled";
                case TrialProcessDied died:
                    var tail = string.Join(" | ", died.StderrTail.TakeLast(3));
                    var reason = $"trial host died ({died.ExitDescription}); last stderr: {tail}";
                    OrchestratorTelemetry.Fail(Activity.Current, reason);
                    await sweep.FailAsync(item.LeaseId, reason, retryable: true);
                    return "died";
            }
        }
    }

    /// <summary>The next event, or null when none came within a heartbeat period (the host is busy).</summary>
    private async Task<TrialHostEvent?> NextEventAsync()
    {
        if (process.Events.TryRead(out var ready))
            return ready;
        using var timeout = new CancellationTokenSource(HeartbeatEvery);
        try
        {
            // WaitToReadAsync consumes nothing when cancelled, so no event is lost to the timeout.
            if (await process.Events.WaitToReadAsync(timeout.Token) && process.Events.TryRead(out var next))
                return next;
            throw new InvalidOperationException("The trial host's event stream ended.");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task HeartbeatAsync(bool force = false)
    {
        if (_leaseLost || (!force && DateTimeOffset.UtcNow - _lastHeartbeat < HeartbeatEvery))
            return;
        _lastHeartbeat = DateTimeOffset.UtcNow;
        if (!await sweep.HeartbeatAsync(item.LeaseId, _progress))
            _leaseLost = true; // the sweep requeued or cancelled this item: stop it
    }

    private async Task CompleteAsync(Completed done)
    {
        if (_leaseLost)
            return;
        var summary = done.Summary;
        if (summary.Observations.Count > 0)
            metrics.Evaluated(item.Trial, item.Workload, summary.Timings.SamplingSeconds + summary.Timings.C2stSeconds);
        Activity.Current?.SetTag(OrchestratorTelemetry.Attributes.ValidationNll, summary.ValNll);
        if (summary.MeanC2st is { } c2st)
            Activity.Current?.SetTag(OrchestratorTelemetry.Attributes.C2st, c2st);
        if (item.Kind == WorkKind.Train && File.Exists(done.ResultPath))
        {
            // Write-once per attempt: a duplicate report of the same attempt keeps the first result.
            await store.TryPutResultAsync(item.Sweep, item.Trial.ConfigHash, item.Attempt, await File.ReadAllBytesAsync(done.ResultPath));
        }
        var scores = summary.Observations.Select(o => new ObservationScore(o.Observation, o.C2st)).ToList();
        await sweep.CompleteAsync(item.LeaseId, new WorkOutcome(scores, summary.ValNll, summary.Timings.TotalSeconds));
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

    private string MetricLine(Epoch e) => JsonSerializer.Serialize(new
    {
        attempt = item.Attempt,
        epoch = e.EpochNumber,
        trainLoss = Finite(e.TrainLoss),
        valNll = Finite(e.ValNll),
        valReconstruction = Finite(e.ValReconstruction),
        lr = e.Lr,
        stepSeconds = e.StepSeconds,
        skippedBatches = e.SkippedBatches,
        at = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
    });

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    // Samples per step, for the throughput metric (workloads without a batch size report none).
    private double BatchSize => item.Trial.Parameters.TryGetValue("batchSize", out var b) && b.Kind == ParamKind.Integer
        ? b.Integer : double.NaN;
}
