namespace Orchestrator.Tests.Storage;

/// <summary>Test grain whose state lives in the "blob" storage provider.</summary>
public interface IPersistentCounterGrain : IGrainWithStringKey
{
    Task<int> IncrementAsync(string note);

    Task<CounterState> GetAsync();

    Task DeactivateAsync();
}

public sealed class PersistentCounterGrain(
    [PersistentState("counter", BlobGrainStorageClusterTests.StorageName)] IPersistentState<CounterState> counter)
    : Grain, IPersistentCounterGrain
{
    public async Task<int> IncrementAsync(string note)
    {
        counter.State.Count++;
        counter.State.History.Add(note);
        await counter.WriteStateAsync();
        return counter.State.Count;
    }

    public Task<CounterState> GetAsync() => Task.FromResult(counter.State);

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
