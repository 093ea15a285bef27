using Orchestrator.Contracts.Trials;

namespace Orchestrator.Grains.Sweeps;

/// <summary>
/// Trial packing (<c>resources.pack</c>): a worker slot's lease takes up to the pack size of trainings that share the
/// workload's pack key (its shape-changing parameters and the others members must share), each under its own lease,
/// so every member keeps its own progress, checkpoints, stop decisions, failures and requeues.
/// </summary>
public sealed partial class SweepGrain
{
    // A source trial drawn for a pack it did not fit: the next trial the source gives. No later trial starts before it,
    // so a restart (the source resumes after the highest started index) cannot skip it.
    private PendingWork? _held;

    public Task<IReadOnlyList<WorkItem>> LeasePackAsync(string workerId, string device, int slots)
    {
        var size = PackSize(device.Split(':')[0], slots);
        if (size <= 1 || !Workload.Packable)
            return LeaseBatchAsync(workerId, device, 1);
        // The first item sets the pack's key; an item that cannot join a pack (an evaluation shard, a trial whose
        // configuration is not loaded yet) is a pack of one.
        string? key = null;
        var first = true;
        return LeaseWorkAsync(workerId, device, size, work =>
        {
            var workKey = work is { Kind: WorkKind.Train, Trial: { } trial } ? Workload.PackKey(trial.Parameters) : null;
            if (first)
            {
                (first, key) = (false, workKey);
                return true;
            }
            return key is not null && workKey == key;
        });
    }

    // pack: N is N; auto is the device kind's measured size, but no more than an even share of the sweep per slot, so
    // a small sweep keeps every slot busy (10 trials on 2 slots: two packs of 5) rather than one pack on one slot.
    private int PackSize(string deviceKind, int slots)
    {
        if (definition.State.Spec?.Resources is not { } resources)
            return 1;
        var size = resources.PackSizeOn(deviceKind);
        return resources.Pack == Contracts.Specs.ResourceSpec.PackAuto
            ? (int)Math.Clamp((Total + Math.Max(1, slots) - 1) / Math.Max(1, slots), 1, size)
            : size;
    }

    // The source's next trial if it fits the pack; else it is held for the next lease and the pack is complete.
    private PendingWork? NextFitting(Func<PendingWork, bool> fits)
    {
        if (NextFromSource() is not { } work)
            return null;
        if (fits(work))
            return work;
        _held = work;
        return null;
    }
}
