using Orchestrator.Protocol;

namespace Orchestrator.Grains.Workers;

/// <summary>Runs a prepared request to its outcome: a single item's own <see cref="TrialProcessRunner"/>, or its pack's <see cref="PackExecution"/>.</summary>
public delegate Task<TrialProcessOutcome> RequestExecution(TrialHostRequest request, Func<TrialHostEvent, ValueTask> onEvent, CancellationToken cancel);

/// <summary>
/// Runs the members of a leased pack as ONE <see cref="TrainPackRequest"/> on a trial host: each member's
/// <see cref="WorkItemRun"/> prepares its own request (checkpoint, output folder) and hands it over through
/// <see cref="Member"/>; once every member has joined or dropped out (<see cref="Leave"/>), <see cref="RunAsync"/> sends the
/// pack and is its one event reader, giving each member its own events and its own outcome. A member whose lease ends
/// (stopped early, cancelled, lost) is cancelled alone (Cancel with its requestId: the host drops the epoch it is in,
/// the others go on); when every unfinished member is cancelled and the host does not answer within the grace period,
/// the host is killed. A host that dies fails every unfinished member as <see cref="TrialProcessRunner"/> does (one
/// attempt: the sweep requeues or retries each member from its checkpoint).
/// </summary>
public sealed class PackExecution(TrialProcess process, string packId, int count, TimeSpan cancelGrace)
{
    private readonly Joined?[] _members = new Joined?[count];
    private readonly int[] _state = new int[count]; // 0 waiting, 1 joined, 2 left
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting = count;

    /// <summary>Member <paramref name="index"/>'s way to run its request: it joins the pack and waits for its own outcome.</summary>
    public RequestExecution Member(int index) => (request, onEvent, cancel) =>
    {
        var joined = new Joined((TrainRequest)request, onEvent, cancel);
        _members[index] = joined;
        Settle(index, 1);
        return joined.Outcome.Task;
    };

    /// <summary>Member <paramref name="index"/> is done with the pack (or never joined it: its preparation failed).</summary>
    public void Leave(int index) => Settle(index, 2);

    private void Settle(int index, int state)
    {
        if (Interlocked.CompareExchange(ref _state[index], state, 0) == 0 && Interlocked.Decrement(ref _waiting) == 0)
            _ready.TrySetResult();
    }

    /// <summary>Waits until every member joined or left, runs the joined ones as one pack and ends each with its outcome.</summary>
    public async Task RunAsync()
    {
        await _ready.Task;
        var members = _members.OfType<Joined>().ToList();
        if (members.Count == 0)
            return;
        int generation;
        try
        {
            await process.EnsureStartedAsync(CancellationToken.None);
            generation = process.Generation;
            await process.SendAsync(new TrainPackRequest(packId, [.. members.Select(m => m.Request)]), CancellationToken.None);
        }
        catch (TrialProcessDiedException e)
        {
            await DiedAsync(members, e.Died);
            return;
        }
        catch (Exception e)
        {
            // The host could not start: every member reports it as its own infrastructure failure.
            foreach (var member in members)
                member.Outcome.TrySetException(e);
            return;
        }
        try
        {
            await DispatchAsync(members, generation);
        }
        catch (Exception e)
        {
            // The process was disposed while the pack ran (the silo stops): no member may wait forever.
            foreach (var member in members)
                member.Outcome.TrySetException(e);
        }
    }

    private async Task DispatchAsync(List<Joined> members, int generation)
    {
        var byId = members.ToDictionary(m => m.Request.RequestId, StringComparer.Ordinal);
        using var grace = new CancellationTokenSource();
        while (members.Any(m => !m.Ended))
        {
            var open = members.Where(m => !m.Ended).ToList();
            TrialHostEvent hostEvent;
            using (var wake = CancellationTokenSource.CreateLinkedTokenSource([.. open.Where(m => !m.CancelSent).Select(m => m.Cancel), grace.Token]))
            {
                try
                {
                    hostEvent = await process.Events.ReadAsync(wake.Token);
                }
                catch (OperationCanceledException) when (grace.IsCancellationRequested)
                {
                    // The host does not answer Cancel (stuck in native code): stop it; the next item starts a new one.
                    await process.KillAsync();
                    foreach (var member in open)
                        member.End(new TrialProcessOutcome(new Cancelled(member.Request.RequestId), 1, []));
                    return;
                }
                catch (OperationCanceledException)
                {
                    foreach (var member in open.Where(m => m.Cancel.IsCancellationRequested && !m.CancelSent))
                        await CancelAsync(member);
                    if (open.All(m => m.CancelSent))
                        grace.CancelAfter(cancelGrace);
                    continue;
                }
            }
            if (hostEvent is TrialProcessDied died)
            {
                if (died.Generation == generation)
                {
                    await DiedAsync(open, died);
                    return;
                }
                continue; // an earlier child's, already accounted for
            }
            if (hostEvent.RequestOf is not { } id || !byId.TryGetValue(id, out var owner) || owner.Ended)
                continue; // Ready, leftovers of an earlier request
            if (!hostEvent.IsTerminal && (owner.CancelSent || owner.Cancel.IsCancellationRequested))
                continue; // epochs it trained after its lease ended: nothing of them is stored (it keeps what it was judged on)
            try
            {
                await owner.OnEvent(hostEvent);
            }
            catch (Exception e) when (!hostEvent.IsTerminal)
            {
                // Its handler failed (storage gone past the outage window): stop this member; the error ends it.
                owner.Error ??= e;
                if (!owner.CancelSent)
                    await CancelAsync(owner);
            }
            if (hostEvent.IsTerminal)
                owner.End(new TrialProcessOutcome(hostEvent, 1, []));
        }
    }

    private async Task CancelAsync(Joined member)
    {
        member.CancelSent = true;
        try
        {
            await process.SendAsync(new CancelRequest(member.Request.RequestId), CancellationToken.None);
        }
        catch (TrialProcessDiedException)
        {
            // Its death event is on the way.
        }
    }

    private static async Task DiedAsync(IEnumerable<Joined> members, TrialProcessDied died)
    {
        foreach (var member in members)
        {
            await member.OnEvent(died);
            TrialHostEvent end = member.CancelSent
                ? new Cancelled(member.Request.RequestId)
                : new Failed(member.Request.RequestId, TrialProcessRunner.DeathReason([died]), FailureKinds.HostDied);
            member.End(new TrialProcessOutcome(end, 1, [died]));
        }
    }

    private sealed class Joined(TrainRequest request, Func<TrialHostEvent, ValueTask> onEvent, CancellationToken cancel)
    {
        public TrainRequest Request { get; } = request;
        public Func<TrialHostEvent, ValueTask> OnEvent { get; } = onEvent;
        public CancellationToken Cancel { get; } = cancel;
        public TaskCompletionSource<TrialProcessOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool CancelSent { get; set; }
        public Exception? Error { get; set; }
        public bool Ended => Outcome.Task.IsCompleted;

        public void End(TrialProcessOutcome outcome)
        {
            if (Error is not null)
                Outcome.TrySetException(Error);
            else
                Outcome.TrySetResult(outcome);
        }
    }
}
