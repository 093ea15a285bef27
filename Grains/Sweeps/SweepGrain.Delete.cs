using Orchestrator.Contracts.Sweeps;

namespace Orchestrator.Grains.Sweeps;

/// <summary><c>rm</c>: a sweep and everything it stored, gone; the name can be submitted again.</summary>
public sealed partial class SweepGrain
{
    // Trial grains are cleared this many at a time: a 10⁵-trial sweep must not fan out 10⁵ calls at once.
    private const int DeleteBatch = 512;

    public async Task DeleteAsync()
    {
        var spec = definition.State.Spec;
        if (spec is null && !(await store.ListSweepsAsync()).Contains(Name, StringComparer.Ordinal))
            throw NotFound();
        if (spec is not null)
        {
            if (phase.State.Phase == SweepPhase.Running)
                await CancelAsync(); // workers holding leases stop at their next heartbeat
            // Trial grains hold the states of trials stored before the state log (which goes with the sweep's objects).
            var hashes = _trialGrains ? _ledger.All.Select(t => t.ConfigHash).ToList() : [];
            foreach (var batch in hashes.Chunk(DeleteBatch))
                await Task.WhenAll(batch.Select(hash => Trial(hash).DeleteAsync()));
        }
        await store.DeleteSweepAsync(Name);
        await GrainFactory.GetGrain<ISchedulerGrain>(SchedulerKey.Default).ForgetAsync(Name);
        LogSweepEvent(Name, "deleted with its results");
        _timer?.Dispose();
        _timer = null;
        _ledger = new SweepLedger(Objective.Minimize);
        await definition.ClearStateAsync();
        await phase.ClearStateAsync();
        DeactivateOnIdle();
    }
}
