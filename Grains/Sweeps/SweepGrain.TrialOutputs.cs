namespace Orchestrator.Grains.Sweeps;

/// <summary>A trial's stored metric lines and log, read here next to the store (the client has no store access).</summary>
public sealed partial class SweepGrain
{
    public async Task<IReadOnlyList<string>> GetTrialMetricsAsync(string configHash)
    {
        if (definition.State.Spec is null)
            throw NotFound();
        return await store.ReadMetricsAsync(Name, configHash);
    }

    public async Task<IReadOnlyList<string>> GetTrialLogAsync(string configHash)
    {
        if (definition.State.Spec is null)
            throw NotFound();
        return await store.ReadLogAsync(Name, configHash);
    }
}
