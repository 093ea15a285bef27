using System.Collections.Concurrent;
using System.Text.Json;
using Orchestrator.Protocol;
using Orchestrator.Training.Optimization;
using Orchestrator.Training.Workloads;

namespace Orchestrator.TrialHost;

/// <summary>
/// The trial host's loop: reads requests on the calling (async) side so Cancel and Shutdown arrive while a trial runs,
/// and runs Train/Evaluate one at a time, in order, on one dedicated thread (TorchSharp's thread count and dispose
/// scopes are per OS thread).
/// </summary>
public sealed class TrialHostServer(TextReader input, TrialHostEventWriter events, IReadOnlyDictionary<string, IWorkload> workloads,
    TrialHostTelemetry? telemetry = null) : IDisposable
{
    private static readonly TimeSpan WorkerExitGrace = TimeSpan.FromSeconds(30);

    private readonly BlockingCollection<Work> _queue = new();
    private readonly ConcurrentDictionary<string, Work> _pending = new(StringComparer.Ordinal);
    // Members of queued or running packs by their requestId: Cancel with a member's id stops that member alone.
    private readonly ConcurrentDictionary<string, Work> _packOf = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _workerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<int> RunAsync()
    {
        var worker = new Thread(WorkLoop) { Name = "trial-host-worker", IsBackground = true };
        worker.Start();
        events.Write(new Ready(Environment.ProcessId));
        while (await input.ReadLineAsync() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            if (!TryParse(line, out var request))
                continue;
            if (request is ShutdownRequest)
                break;
            if (request is CancelRequest cancel)
                Cancel(cancel.RequestId);
            else
                Enqueue(request);
        }
        // Shutdown or EOF (the parent is gone): cancel what runs, let the worker say so, then exit.
        foreach (var work in _pending.Values)
            work.Cancel();
        _queue.CompleteAdding();
        if (await Task.WhenAny(_workerDone.Task, Task.Delay(WorkerExitGrace)) != _workerDone.Task)
            await Console.Error.WriteLineAsync("trial-host: the running trial did not stop in time; exiting anyway.");
        return 0;
    }

    private bool TryParse(string line, out TrialHostRequest request)
    {
        try
        {
            request = TrialHostJson.ParseRequest(line);
            return true;
        }
        catch (JsonException e)
        {
            request = new ShutdownRequest();
            events.Write(new Failed(RequestIdOf(line), $"Unreadable request: {e.Message}", FailureKinds.InvalidRequest));
            return false;
        }
    }

    private static string? RequestIdOf(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("requestId", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Enqueue(TrialHostRequest request)
    {
        var id = request switch
        {
            TrainRequest t => t.RequestId,
            EvaluateRequest e => e.RequestId,
            TrainPackRequest p => p.RequestId,
            _ => throw new InvalidOperationException($"Not a trial request: {request.GetType().Name}."),
        };
        var work = new Work(id, request);
        if (string.IsNullOrEmpty(id) || !_pending.TryAdd(id, work))
        {
            work.Dispose();
            events.Write(new Failed(id, $"Request id '{id}' is empty or already queued or running.", FailureKinds.InvalidRequest));
            return;
        }
        if (request is TrainPackRequest pack)
        {
            foreach (var member in pack.Members)
                _packOf[member.RequestId] = work;
        }
        _queue.Add(work);
    }

    private void Cancel(string requestId)
    {
        if (_pending.TryGetValue(requestId, out var work))
            work.Cancel();
        else if (_packOf.TryGetValue(requestId, out var pack))
            pack.CancelMember(requestId);
        else
            Console.Error.WriteLine($"trial-host: Cancel for '{requestId}', which is neither queued nor running (already ended?).");
    }

    private void WorkLoop()
    {
        try
        {
            foreach (var work in _queue.GetConsumingEnumerable())
            {
                try
                {
                    Execute(work);
                }
                finally
                {
                    _pending.TryRemove(work.Id, out _);
                    if (work.Request is TrainPackRequest pack)
                    {
                        foreach (var member in pack.Members)
                            _packOf.TryRemove(member.RequestId, out _);
                    }
                    work.Dispose();
                    telemetry?.Flush();
                }
            }
        }
        finally
        {
            _workerDone.TrySetResult();
        }
    }

    private void Execute(Work work)
    {
        var token = work.Token;
        if (token.IsCancellationRequested)
        {
            events.Write(new Cancelled(work.Id));
            return;
        }
        if (work.Request is TrainPackRequest pack)
        {
            ExecutePack(work, pack);
            return;
        }
        var (trialId, workload, fault) = work.Request switch
        {
            TrainRequest t => (t.TrialId, t.Workload, t.Fault),
            EvaluateRequest e => (e.TrialId, e.Workload, e.Fault),
            _ => throw new InvalidOperationException("Only Train and Evaluate are queued."),
        };
        events.Write(new Started(work.Id, trialId, Environment.ProcessId));
        using var activity = TrialHostTelemetry.Start(work.Request);
        void Emit(TrialHostEvent e)
        {
            TrialHostTelemetry.Record(activity, e);
            events.Write(e);
        }
        try
        {
            var runner = workloads.TryGetValue(workload, out var known) ? known
                : throw new InvalidTrialRequestException($"Workload '{workload}' is not known: expected one of {string.Join(", ", workloads.Keys.Order())}.");
            NativeFault.Apply(fault);
            var completed = work.Request is TrainRequest train
                ? runner.Train(train, Emit, token)
                : runner.Evaluate((EvaluateRequest)work.Request, Emit, token);
            Emit(completed);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            Emit(new Cancelled(work.Id));
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"trial-host: request {work.Id} failed: {e}");
            activity?.AddException(e);
            Emit(new Failed(work.Id, $"{e.GetType().Name}: {e.Message}", KindOf(e)));
        }
    }

    // A pack: every member starts, reports and ends under its own requestId and span; the pack's own id only cancels.
    private void ExecutePack(Work work, TrainPackRequest pack)
    {
        var token = work.Token;
        var members = pack.Members;
        var spans = new Dictionary<string, System.Diagnostics.Activity?>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            events.Write(new Started(member.RequestId, member.TrialId, Environment.ProcessId));
            spans[member.RequestId] = TrialHostTelemetry.Start(member);
            System.Diagnostics.Activity.Current = null; // members' spans are siblings in their own traces, not nested
        }
        void Emit(TrialHostEvent e)
        {
            if (e.RequestOf is { } id && spans.TryGetValue(id, out var span))
                TrialHostTelemetry.Record(span, e);
            events.Write(e);
        }
        void EndAll(Func<TrainRequest, TrialHostEvent> end)
        {
            foreach (var member in members)
                Emit(end(member));
        }
        try
        {
            var workload = members.Count > 0 ? members[0].Workload : "";
            if (!workloads.TryGetValue(workload, out var known) || known is not IPackableWorkload packable)
                throw new InvalidTrialRequestException($"Workload '{workload}' cannot train packs (packable: " +
                    $"{string.Join(", ", workloads.Where(w => w.Value is IPackableWorkload).Select(w => w.Key).Order())}).");
            if (members.Any(m => m.Workload != workload))
                throw new InvalidTrialRequestException("Members of a pack must share one workload.");
            foreach (var end in packable.TrainPack(pack, Emit, token, i => work.IsMemberCancelled(members[i].RequestId)))
                Emit(end);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            EndAll(m => new Cancelled(m.RequestId));
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"trial-host: pack {work.Id} failed: {e}");
            EndAll(m => new Failed(m.RequestId, $"{e.GetType().Name}: {e.Message}", KindOf(e)));
        }
        finally
        {
            foreach (var span in spans.Values)
                span?.Dispose();
        }
    }

    private static string KindOf(Exception e) => e switch
    {
        TrainingFailedException => FailureKinds.TrainingFailed,
        InvalidTrialRequestException or ArgumentException or FileNotFoundException or DirectoryNotFoundException => FailureKinds.InvalidRequest,
        _ => FailureKinds.Error,
    };

    public void Dispose() => _queue.Dispose();

    private sealed class Work(string id, TrialHostRequest request) : IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new();
        private readonly ConcurrentDictionary<string, bool> _cancelledMembers = new(StringComparer.Ordinal);

        /// <summary>A pack's member to stop at its next epoch end (masking: the others go on).</summary>
        public void CancelMember(string memberId) => _cancelledMembers[memberId] = true;

        public bool IsMemberCancelled(string memberId) => _cancelledMembers.ContainsKey(memberId);

        public string Id { get; } = id;
        public TrialHostRequest Request { get; } = request;
        public CancellationToken Token => _cancellation.Token;

        public void Cancel()
        {
            try
            {
                _cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It ended meanwhile.
            }
        }

        public void Dispose() => _cancellation.Dispose();
    }
}
