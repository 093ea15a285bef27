using Orchestrator.Contracts.Workers;
using Orchestrator.Grains.Hosting;
using Orchestrator.Grains.Placement;

namespace Orchestrator.Grains.Workers;

/// <summary>
/// The cluster-visible face of one worker slot: placed on the slot's own silo, it starts, stops and reports the
/// silo-local <see cref="WorkerSlot"/>, which does the work and outlives any deactivation of this grain.
/// </summary>
[SiloNamePlacement]
public sealed class WorkerGrain(WorkerSlots slots) : Grain, IWorkerGrain
{
    private WorkerSlot Slot => slots.Find(this.GetPrimaryKeyString())
        ?? throw new KeyNotFoundException($"This silo has no worker slot '{this.GetPrimaryKeyString()}'.");

    public Task StartAsync()
    {
        Slot.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync() => Slot.StopAsync();

    public Task<WorkerStatus> GetStatusAsync() => Task.FromResult(Slot.Status);
}
