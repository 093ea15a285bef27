using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;

namespace Orchestrator.Grains.Sweeps;

/// <summary>
/// The list of active sweeps (persisted, so that after a cluster restart workers find the unfinished sweeps again,
/// which rebuild their queues on activation). Leasing asks the sweeps in round-robin order.
/// </summary>
public sealed class SchedulerGrain([PersistentState("scheduler", GrainStorageNames.State)] IPersistentState<SchedulerState> state)
    : Grain, ISchedulerGrain
{
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SlotForgottenAfter = TimeSpan.FromMinutes(1);
    // Slots that asked for packs: busy from the answer that gave them work until they ask again.
    private readonly Dictionary<string, (string Kind, DateTime At, bool Busy)> _slotsSeen = new(StringComparer.Ordinal);
    private int _next;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Re-read the sweep list now and then: an activation that missed a registration (a duplicate activation during a
        // membership change) cannot starve the workers for long. A timer does not interleave with (un)registration.
        this.RegisterGrainTimer(_ => state.ReadStateAsync(), new GrainTimerCreationOptions(RefreshEvery, RefreshEvery));
        return Task.CompletedTask;
    }

    public async Task RegisterAsync(string sweep)
    {
        if (state.State.Sweeps.Contains(sweep) && state.State.All.Contains(sweep))
            return;
        if (!state.State.Sweeps.Contains(sweep))
            state.State.Sweeps.Add(sweep);
        if (!state.State.All.Contains(sweep))
            state.State.All.Add(sweep);
        await state.WriteStateAsync();
    }

    public async Task UnregisterAsync(string sweep)
    {
        if (state.State.Sweeps.Remove(sweep))
            await state.WriteStateAsync();
    }

    public async Task ForgetAsync(string sweep)
    {
        var removed = state.State.Sweeps.Remove(sweep) | state.State.Statuses.Remove(sweep) | state.State.Archived.Remove(sweep);
        if (state.State.All.Remove(sweep) || removed)
            await state.WriteStateAsync();
    }

    public async Task ReportAsync(SweepStatus status)
    {
        state.State.Statuses[status.Name] = status;
        if (!state.State.All.Contains(status.Name))
            state.State.All.Add(status.Name);
        if (!status.IsFinished)
            state.State.Archived.Remove(status.Name); // a resumed sweep is listed again
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<SweepListing>> ListingAsync(bool includeArchived) =>
        Task.FromResult<IReadOnlyList<SweepListing>>([.. state.State.All
            .Where(name => includeArchived || !state.State.Archived.Contains(name))
            .Select(name => new SweepListing(name, state.State.Statuses.GetValueOrDefault(name), state.State.Archived.Contains(name)))]);

    public async Task<bool> ArchiveAsync(string sweep, bool archived)
    {
        if (state.State.Statuses.GetValueOrDefault(sweep) is not { IsFinished: true })
            return false;
        if (archived ? state.State.Archived.Add(sweep) : state.State.Archived.Remove(sweep))
            await state.WriteStateAsync();
        return true;
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Sweeps]);

    public Task<IReadOnlyList<string>> ListAllAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.All]);

    public Task<bool> HasWorkersOfAsync(string deviceKind) => Task.FromResult(state.State.DeviceKinds.Contains(deviceKind));

    public async Task<WorkItem?> LeaseAsync(string workerId, string device) =>
        (await LeaseBatchAsync(workerId, device, 1)).FirstOrDefault();

    public Task<IReadOnlyList<WorkItem>> LeaseBatchAsync(string workerId, string device, int max) =>
        LeaseRoundRobinAsync(device, max, (sweep, left) => sweep.LeaseBatchAsync(workerId, device, left));

    // One pack is one unit: the first sweep that has work gives the whole answer.
    public async Task<IReadOnlyList<WorkItem>> LeasePackAsync(string workerId, string device, long memoryBytes, int siloSlots, IReadOnlyList<string>? held = null)
    {
        var kind = device.Split(':')[0];
        var now = DateTime.UtcNow;
        _slotsSeen[workerId] = (kind, now, false);
        // Idle slots ask every second: one silent for a minute is gone (a busy one stays busy until it asks again).
        foreach (var gone in _slotsSeen.Where(s => !s.Value.Busy && now - s.Value.At > SlotForgottenAfter).Select(s => s.Key).ToList())
            _slotsSeen.Remove(gone);
        var items = await LeaseRoundRobinAsync(device, 1, (sweep, _) => sweep.LeasePackAsync(workerId, device, FreeSlots(workerId, kind, siloSlots), memoryBytes, held));
        if (items.Count > 0)
            _slotsSeen[workerId] = (kind, now, true);
        return items;
    }

    // Idle slots of the kind, plus the asking silo's slots that have not asked yet (at start-up they all ask within moments:
    // the first must not take the whole sweep).
    private int FreeSlots(string workerId, string kind, int siloSlots)
    {
        var silo = workerId.Split('/')[0] + "/";
        var seenOnSilo = _slotsSeen.Count(s => s.Value.Kind == kind && s.Key.StartsWith(silo, StringComparison.Ordinal));
        return _slotsSeen.Values.Count(s => s.Kind == kind && !s.Busy) + Math.Max(0, siloSlots - seenOnSilo);
    }

    private async Task<IReadOnlyList<WorkItem>> LeaseRoundRobinAsync(string device, int max, Func<ISweepGrain, int, Task<IReadOnlyList<WorkItem>>> lease)
    {
        var kind = device.Split(':')[0];
        if (!state.State.DeviceKinds.Contains(kind))
        {
            // Remembered (persisted) so that a sweep asking for a device kind no slot has is refused at submit.
            state.State.DeviceKinds.Add(kind);
            await state.WriteStateAsync();
        }
        var sweeps = state.State.Sweeps.ToArray(); // the list may change while this call awaits
        var items = new List<WorkItem>();
        for (var i = 0; i < sweeps.Length && items.Count < max; i++)
        {
            var sweep = sweeps[(_next + i) % sweeps.Length];
            var batch = await lease(GrainFactory.GetGrain<ISweepGrain>(sweep), max - items.Count);
            if (batch.Count > 0)
            {
                // Fair share: the next request starts at the sweep after the one that just gave work.
                _next = (_next + i + 1) % Math.Max(1, sweeps.Length);
                items.AddRange(batch);
            }
        }
        return items;
    }
}

/// <summary>Persistent state of the scheduler.</summary>
[GenerateSerializer, Alias("orchestrator.scheduler-state")]
public sealed class SchedulerState
{
    /// <summary>Sweeps with work left.</summary>
    [Id(0)] public List<string> Sweeps { get; set; } = [];
    /// <summary>Every sweep ever registered.</summary>
    [Id(1)] public List<string> All { get; set; } = [];
    /// <summary>Device kinds ("cpu", "cuda") of the worker slots that ever asked for work.</summary>
    [Id(2)] public List<string> DeviceKinds { get; set; } = [];
    /// <summary>Each sweep's status as of its last phase change (one small record per sweep, read by listings).</summary>
    [Id(3)] public Dictionary<string, SweepStatus> Statuses { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Finished sweeps moved out of the listing.</summary>
    [Id(4)] public HashSet<string> Archived { get; set; } = new(StringComparer.Ordinal);
}
