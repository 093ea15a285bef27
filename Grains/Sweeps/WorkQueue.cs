using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Trials;

namespace Orchestrator.Grains.Sweeps;

/// <summary>A unit of work waiting for a worker.</summary>
/// <param name="Index">The trial's position in the sweep's index space.</param>
/// <param name="Attempt">The attempt this work will be when leased.</param>
/// <param name="Floor">Attempts before this one that do not count against MaxAttempts (resumes, infrastructure failures).</param>
/// <param name="Trial">The trial's configuration when known; else looked up when leased (requeued after a restart).</param>
/// <param name="Reopen">A resumed trial that ended cancelled or failed: its state is reopened when it starts.</param>
/// <param name="TraceParent">Span the item's attempt span hangs below: the training attempt's for evaluation shards; null = the sweep's.</param>
public sealed record PendingWork(WorkKind Kind, long Index, string ConfigHash, int Shard, IReadOnlyList<int> Observations, int Attempt,
    int Floor = 0, TrialSpec? Trial = null, bool Reopen = false, string? TraceParent = null);

/// <summary>Work handed to a worker until <see cref="ExpiresAt"/>, unless renewed.</summary>
public sealed record Lease(string Id, PendingWork Work, string Worker, DateTimeOffset ExpiresAt);

/// <summary>
/// The requeued work and the leases of one sweep (new work comes from the sweep's trial source, not from this queue).
/// Leasing, renewing and releasing are O(1): no scan of all trials per dispatch. Expired leases are collected by <see cref="Expire"/> (called from a timer) and handed back to the caller
/// to requeue or fail. Not thread-safe: owned by one grain activation.
/// </summary>
public sealed class WorkQueue(TimeProvider time, TimeSpan leaseDuration)
{
    private readonly LinkedList<PendingWork> _pending = new();
    private readonly Dictionary<string, Lease> _leases = new(StringComparer.Ordinal);
    // Lease ids by worker, so that a worker's leases are found without a scan of all leases.
    private readonly Dictionary<string, HashSet<string>> _byWorker = new(StringComparer.Ordinal);
    // Work that was running when this queue was rebuilt, by "{hash}.{attempt}": its worker may still be at it.
    private readonly Dictionary<string, (PendingWork Work, DateTimeOffset Since)> _orphans = new(StringComparer.Ordinal);

    public TimeSpan LeaseDuration { get; } = leaseDuration;

    public int PendingCount => _pending.Count;

    public IReadOnlyCollection<Lease> Leases => _leases.Values;

    public void Enqueue(PendingWork work) => _pending.AddLast(work);

    /// <summary>Requeued work goes first: it already holds a checkpoint and a place in the sweep's order.</summary>
    public void EnqueueFirst(PendingWork work) => _pending.AddFirst(work);

    /// <summary>
    /// Leases requeued work first, else what <paramref name="next"/> produces; null when neither has any, or when the
    /// first requeued work does not pass <paramref name="fits"/> (it stays first in line).
    /// </summary>
    public Lease? TryLease(string worker, Func<PendingWork?> next, Func<PendingWork, bool>? fits = null)
    {
        PendingWork work;
        if (_pending.First is { } first)
        {
            if (fits?.Invoke(first.Value) == false)
                return null;
            _pending.RemoveFirst();
            work = first.Value;
        }
        else if (next() is { } fresh)
        {
            work = fresh;
        }
        else
        {
            return null;
        }
        // The id names the work, so that a rebuilt queue can recognise (adopt) a lease of its previous activation.
        var lease = new Lease($"{worker}#{Tag(work)}#{Guid.NewGuid():N}", work, worker, time.GetUtcNow() + LeaseDuration);
        Add(lease);
        return lease;
    }

    /// <summary>Replaces a lease's work (once its trial's configuration was looked up).</summary>
    public void Update(string leaseId, PendingWork work)
    {
        if (_leases.TryGetValue(leaseId, out var lease))
            _leases[leaseId] = lease with { Work = work };
    }

    /// <summary>Extends a lease; false when it is unknown (expired, released or from an earlier activation).</summary>
    public bool Renew(string leaseId)
    {
        if (!_leases.TryGetValue(leaseId, out var lease))
            return false;
        _leases[leaseId] = lease with { ExpiresAt = time.GetUtcNow() + LeaseDuration };
        return true;
    }

    public Lease? Get(string leaseId) => _leases.GetValueOrDefault(leaseId);

    /// <summary>Ends a lease and returns it; null when it was not held (a stale or duplicate report).</summary>
    public Lease? Release(string leaseId)
    {
        if (!_leases.Remove(leaseId, out var lease))
            return null;
        if (_byWorker.TryGetValue(lease.Worker, out var ids) && ids.Remove(leaseId) && ids.Count == 0)
            _byWorker.Remove(lease.Worker);
        return lease;
    }

    /// <summary>
    /// The leases of <paramref name="worker"/> that are not among <paramref name="held"/>, renewed: granted by calls whose
    /// replies the worker never received.
    /// </summary>
    public IReadOnlyList<Lease> Unreceived(string worker, IReadOnlyCollection<string> held)
    {
        if (!_byWorker.TryGetValue(worker, out var ids))
            return [];
        var lost = ids.Where(id => !held.Contains(id)).ToList();
        foreach (var id in lost)
            Renew(id);
        return [.. lost.Select(id => _leases[id])];
    }

    private void Add(Lease lease)
    {
        _leases[lease.Id] = lease;
        if (!_byWorker.TryGetValue(lease.Worker, out var ids))
            _byWorker[lease.Worker] = ids = new HashSet<string>(StringComparer.Ordinal);
        ids.Add(lease.Id);
    }

    /// <summary>Removes and returns the leases whose time ran out.</summary>
    public IReadOnlyList<Lease> Expire()
    {
        var now = time.GetUtcNow();
        var expired = _leases.Values.Where(l => l.ExpiresAt <= now).ToList();
        foreach (var lease in expired)
            Release(lease.Id);
        return expired;
    }

    public int OrphanCount => _orphans.Count;

    /// <summary>
    /// Training work found running when the queue was rebuilt (the sweep moved to another silo): held back for one lease
    /// duration so that its worker, if alive, can adopt it with its next report instead of starting it over.
    /// </summary>
    public void AddOrphan(PendingWork running) => _orphans[Tag(running)] = (running, time.GetUtcNow());

    /// <summary>A lease of the previous activation whose work is an orphan: taken over under the same id; else null.</summary>
    public Lease? TryAdopt(string leaseId)
    {
        var parts = leaseId.Split('#');
        if (parts.Length != 3 || !_orphans.Remove(parts[1], out var orphan))
            return null;
        var lease = new Lease(leaseId, orphan.Work, parts[0], time.GetUtcNow() + LeaseDuration);
        Add(lease);
        return lease;
    }

    /// <summary>
    /// Removes and returns the orphans nobody adopted within a lease duration, and at once those nobody can adopt
    /// (<paramref name="unadoptable"/>: e.g. their worker's silo is dead), to requeue.
    /// </summary>
    public IReadOnlyList<PendingWork> ReleaseOrphans(Func<PendingWork, bool> unadoptable)
    {
        var due = time.GetUtcNow() - LeaseDuration;
        var released = _orphans.Where(o => o.Value.Since <= due || unadoptable(o.Value.Work)).ToList();
        foreach (var (tag, _) in released)
            _orphans.Remove(tag);
        return [.. released.Select(o => o.Value.Work)];
    }

    private static string Tag(PendingWork work) => $"{work.Kind}.{work.ConfigHash}.{work.Shard}.{work.Attempt}";

    /// <summary>Drops all requeued work, leases and orphans (cancel); returns that work, one item per trial.</summary>
    public IReadOnlyList<PendingWork> Clear()
    {
        var work = _pending.Concat(_leases.Values.Select(l => l.Work)).Concat(_orphans.Values.Select(o => o.Work))
            .DistinctBy(w => w.Index).ToList();
        _pending.Clear();
        _leases.Clear();
        _byWorker.Clear();
        _orphans.Clear();
        return work;
    }
}
