using Orchestrator.Contracts.Trials;

namespace Orchestrator.Grains.Trials;

/// <summary>
/// A trial's state as sweeps stored it before the state log (one grain and one file per trial): read when such a
/// sweep reloads or answers a page, deleted with its sweep. New sweeps write their trials' states to their state log
/// (<see cref="TrialTransitions"/>, <c>SweepGrain.States.cs</c>), a batch per append.
/// </summary>
public sealed class TrialGrain([PersistentState("trial", GrainStorageNames.State)] IPersistentState<TrialState> state) : Grain, ITrialGrain
{
    public Task<TrialState> GetAsync()
    {
        // Read once, by a sweep that reloads or pages: its activation need not wait out the idle timeout.
        DeactivateOnIdle();
        return Task.FromResult(state.State);
    }

    public async Task DeleteAsync()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}
