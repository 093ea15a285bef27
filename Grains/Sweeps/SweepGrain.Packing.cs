using Microsoft.Extensions.Logging;
using Orchestrator.Contracts.Specs;
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

    public async Task<IReadOnlyList<WorkItem>> LeasePackAsync(string workerId, string device, int freeSlots, long memoryBytes,
        IReadOnlyList<string>? held = null)
    {
        if (held is not null && Redeliver(workerId, device, held) is { Count: > 0 } again)
            return again;
        if (definition.State.Spec?.Resources is not { Pack: not ResourceSpec.PackOff } resources || !Workload.Packable)
            return await LeaseBatchAsync(workerId, device, 1);
        // The first item sets the pack's key and size; an item that cannot join a pack (an evaluation shard, a trial whose
        // configuration is not known without a lookup) is a pack of one.
        string? key = null;
        PackChoice? choice = null;
        var remaining = RemainingTrials; // before the first item is drawn (a held trial leaves the count when drawn)
        var taken = 0;
        var items = await LeaseWorkAsync(workerId, device, ResourceSpec.MaxPack, work =>
        {
            var trial = work.Kind == WorkKind.Train ? work.Trial ?? _source.At(work.Index) : null;
            var workKey = trial is null ? null : Workload.PackKey(trial.Parameters);
            if (taken++ == 0)
            {
                key = workKey;
                choice = trial is null ? new PackChoice(1, "alone") : PackSize(resources, trial, device.Split(':')[0], remaining, freeSlots, memoryBytes);
                return true;
            }
            return taken <= choice!.Size && key is not null && workKey == key;
        });
        if (items.Count > 1 && choice is not null)
            LogPackLeased(Name, workerId, items.Count, choice.Size, choice.Bound);
        return items;
    }

    // pack: N is N; auto is PackSizing's choice for the device kind, the member's footprint and the slot's memory.
    private PackChoice PackSize(ResourceSpec resources, TrialSpec trial, string deviceKind, long remaining, int freeSlots, long memoryBytes) =>
        resources.Pack == ResourceSpec.PackAuto
            ? PackSizing.Auto(Workload.PackFootprintOf?.Invoke(trial.Parameters), PackDeviceProfile.Of(deviceKind), memoryBytes, remaining, freeSlots)
            : new PackChoice(resources.Pack, "spec");

    // Trials not yet started: requeued work, a held trial and what the source has still to give.
    private long RemainingTrials => _queue.PendingCount + (_held is null ? 0 : 1) + Math.Max(0, Total - _source.Produced);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {Sweep}: a pack of {Members} on {Worker} (size {Size}, set by {Bound})")]
    private partial void LogPackLeased(string sweep, string worker, int members, int size, string bound);

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
