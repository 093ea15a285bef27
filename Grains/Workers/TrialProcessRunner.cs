using System.Threading.Channels;
using Orchestrator.Protocol;

namespace Orchestrator.Grains.Workers;

/// <summary>
/// Runs one Train or Evaluate request on a <see cref="TrialProcess"/> to its terminal event. If the child dies, it is
/// restarted and the same request sent again (training resumes from its checkpoint file), up to
/// <see cref="MaxAttempts"/> times; then the outcome is <see cref="Failed"/> of kind <see cref="FailureKinds.HostDied"/>.
/// Cancelling the token sends Cancel and waits for the child's answer (at most <see cref="CancelGrace"/>, then kills it);
/// so does an exception thrown by the event handler, which is rethrown once the request has ended: no exit path leaves
/// the child running a request nobody reads. Events of other requests and deaths of earlier children are skipped.
/// Runs one request at a time per process: it is the process's only event reader meanwhile. This is the one execution
/// loop of a work item (<see cref="WorkItemRun"/> drives it).
/// </summary>
public sealed class TrialProcessRunner(TrialProcess process)
{
    public int MaxAttempts { get; init; } = 3;
    public TimeSpan CancelGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <param name="onEvent">Sees every event of this request (and each <see cref="TrialProcessDied"/>) in order.</param>
    public async Task<TrialProcessOutcome> RunAsync(
        TrialHostRequest request, Func<TrialHostEvent, ValueTask>? onEvent = null, CancellationToken cancellation = default)
    {
        var requestId = request switch
        {
            TrainRequest t => t.RequestId,
            EvaluateRequest e => e.RequestId,
            _ => throw new ArgumentException($"Only Train and Evaluate requests run to an outcome (got {request.GetType().Name}).", nameof(request)),
        };
        onEvent ??= _ => ValueTask.CompletedTask;
        var deaths = new List<TrialProcessDied>();
        for (var attempt = 1; ; attempt++)
        {
            if (cancellation.IsCancellationRequested)
                return new TrialProcessOutcome(new Cancelled(requestId), attempt - 1, deaths);
            TrialProcessDied died;
            try
            {
                await process.EnsureStartedAsync(cancellation);
                var generation = process.Generation;
                await process.SendAsync(request, cancellation);
                var (terminal, death) = await WaitAsync(requestId, generation, onEvent, cancellation);
                if (terminal is not null)
                    return new TrialProcessOutcome(terminal, attempt, deaths);
                died = death!;
            }
            catch (TrialProcessDiedException e)
            {
                died = e.Died;
                await onEvent(died);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return new TrialProcessOutcome(new Cancelled(requestId), attempt, deaths);
            }
            deaths.Add(died);
            if (attempt >= MaxAttempts)
                return new TrialProcessOutcome(new Failed(requestId, DeathReason(deaths), FailureKinds.HostDied), attempt, deaths);
        }
    }

    /// <summary>"trial host died 3 times: exit code 134 (SIGABRT) — last stderr: …".</summary>
    public static string DeathReason(IReadOnlyList<TrialProcessDied> deaths)
    {
        var last = deaths[^1];
        var times = deaths.Count == 1 ? "once" : $"{deaths.Count} times";
        return $"trial host died {times}: {last.ExitDescription}{TrialProcessStderrTail.Summary(last.StderrTail, " — last stderr: ")}";
    }

    // Reads this request's events until its terminal event or the death of this generation of the child.
    private async Task<(TrialHostEvent? Terminal, TrialProcessDied? Died)> WaitAsync(
        string requestId, int generation, Func<TrialHostEvent, ValueTask> onEvent, CancellationToken cancellation)
    {
        using var grace = new CancellationTokenSource();
        var cancelSent = false;
        while (true)
        {
            TrialHostEvent hostEvent;
            try
            {
                hostEvent = await process.Events.ReadAsync(cancelSent ? grace.Token : cancellation);
            }
            catch (OperationCanceledException) when (!cancelSent && cancellation.IsCancellationRequested)
            {
                cancelSent = true;
                grace.CancelAfter(CancelGrace);
                try
                {
                    await process.SendAsync(new CancelRequest(requestId), CancellationToken.None);
                }
                catch (TrialProcessDiedException)
                {
                    // Its death event is on the way.
                }
                continue;
            }
            catch (OperationCanceledException) when (cancelSent)
            {
                // The child does not answer Cancel (stuck in native code): stop it; the next request starts a new one.
                await process.KillAsync();
                return (new Cancelled(requestId), null);
            }
            catch (ChannelClosedException)
            {
                throw new ObjectDisposedException(nameof(TrialProcess), "The trial process was disposed while a request ran.");
            }

            if (hostEvent is TrialProcessDied died)
            {
                if (died.Generation != generation)
                    continue; // an earlier child's, already accounted for
                await onEvent(died);
                return cancelSent ? (new Cancelled(requestId), null) : (null, died);
            }
            if (hostEvent.RequestOf != requestId)
                continue; // Ready, or leftovers of an earlier request
            try
            {
                await onEvent(hostEvent);
            }
            catch (Exception) when (!hostEvent.IsTerminal && !cancelSent)
            {
                await CancelAndDrainAsync(requestId, generation);
                throw;
            }
            if (hostEvent.IsTerminal)
                return (hostEvent, null);
        }
    }

    // The handler failed mid-request: stop the request and wait for its end (or kill the child after the grace period),
    // so the next request does not queue behind it.
    private async Task CancelAndDrainAsync(string requestId, int generation)
    {
        using var grace = new CancellationTokenSource(CancelGrace);
        try
        {
            await process.SendAsync(new CancelRequest(requestId), CancellationToken.None);
            while (true)
            {
                var hostEvent = await process.Events.ReadAsync(grace.Token);
                if (hostEvent is TrialProcessDied died && died.Generation == generation)
                    return;
                if (hostEvent.RequestOf == requestId && hostEvent.IsTerminal)
                    return;
            }
        }
        catch (Exception e) when (e is TrialProcessDiedException or ChannelClosedException)
        {
            // Already gone (or disposed).
        }
        catch (OperationCanceledException)
        {
            await process.KillAsync();
        }
    }
}
