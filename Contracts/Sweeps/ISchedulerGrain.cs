using Orchestrator.Contracts.Trials;
using Orleans.Concurrency;

namespace Orchestrator.Contracts.Sweeps;

/// <summary>The cluster's list of sweeps (key <see cref="SchedulerKey.Default"/>): workers ask it for work; it asks active sweeps in turn.</summary>
[Alias("orchestrator.scheduler")]
public interface ISchedulerGrain : IGrainWithStringKey
{
    [Alias("register")] Task RegisterAsync(string sweep);

    [Alias("unregister")] Task UnregisterAsync(string sweep);

    /// <summary>Removes a deleted sweep from every list, so that it is no longer listed.</summary>
    [Alias("forget")] Task ForgetAsync(string sweep);

    /// <summary>Sweeps that still have work.</summary>
    [AlwaysInterleave, Alias("sweeps")] Task<IReadOnlyList<string>> ListAsync();

    /// <summary>Every sweep ever registered (for listings).</summary>
    [AlwaysInterleave, Alias("all-sweeps")] Task<IReadOnlyList<string>> ListAllAsync();

    /// <summary>A sweep's status, stored on each phase change: listings read it instead of activating the sweep.</summary>
    [Alias("report-status")] Task ReportAsync(SweepStatus status);

    /// <summary>Every sweep with its last reported status (null when it never reported); archived sweeps only when asked.</summary>
    [AlwaysInterleave, Alias("listing")] Task<IReadOnlyList<SweepListing>> ListingAsync(bool includeArchived);

    /// <summary>Moves a finished sweep out of (or back into) the listing; false when it is unknown or still running.</summary>
    [Alias("archive")] Task<bool> ArchiveAsync(string sweep, bool archived);

    /// <summary>True when a worker slot of that device kind ("cpu", "cuda") ever asked this cluster for work.</summary>
    [AlwaysInterleave, Alias("has-workers-of")] Task<bool> HasWorkersOfAsync(string deviceKind);

    /// <summary>
    /// The next item of any active sweep (round-robin over sweeps), or null when none has work. Interleaves with
    /// registration: a sweep activated by this call may register or unregister itself meanwhile.
    /// </summary>
    /// <param name="device">The worker's device ("cpu", "cuda:0"): only work of that kind is leased to it.</param>
    [AlwaysInterleave, Alias("lease")] Task<WorkItem?> LeaseAsync(string workerId, string device);

    /// <summary>Up to <paramref name="max"/> items, from the active sweeps in round-robin order (empty when none has work).</summary>
    [AlwaysInterleave, Alias("lease-batch")] Task<IReadOnlyList<WorkItem>> LeaseBatchAsync(string workerId, string device, int max);

    /// <summary>A worker slot's next unit of work from the active sweeps in round-robin order: one item or one pack (<see cref="ISweepGrain.LeasePackAsync"/>).</summary>
    /// <param name="memoryBytes">The slot's memory (its share of the machine's, or its GPU's; 0 = unknown): <c>pack: auto</c> fits packs in it.</param>
    /// <param name="siloSlots">Slots of this device kind on the asking slot's silo: those that have not asked yet count as free.</param>
    /// <param name="held">The leases the slot holds (see <see cref="ISweepGrain.LeasePackAsync"/>); a slot makes one lease call at a time.</param>
    [AlwaysInterleave, Alias("lease-pack")] Task<IReadOnlyList<WorkItem>> LeasePackAsync(string workerId, string device, long memoryBytes, int siloSlots,
        IReadOnlyList<string>? held = null);
}

/// <summary>One sweep in the cluster's listing: its last reported status (null before its first report) and whether it is archived.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.sweep-listing")]
public sealed record SweepListing([property: Id(0)] string Name, [property: Id(1)] SweepStatus? Status, [property: Id(2)] bool Archived);
