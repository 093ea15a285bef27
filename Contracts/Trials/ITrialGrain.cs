namespace Orchestrator.Contracts.Trials;

/// <summary>
/// A trial's state as sweeps stored it before their state log (key "{sweep}/{configHash}"): read when such a sweep
/// reloads, deleted with it. Sweeps now hold their trials' states themselves (<c>ISweepGrain.GetTrialStateAsync</c>).
/// </summary>
[Alias("orchestrator.trial")]
public interface ITrialGrain : IGrainWithStringKey
{
    [Alias("get")] Task<TrialState> GetAsync();

    /// <summary>Forgets the trial: its persisted state is cleared and the grain deactivates (part of deleting a sweep).</summary>
    [Alias("delete")] Task DeleteAsync();
}
