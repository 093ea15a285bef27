using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Grains.Storage;
using Orchestrator.Tests.Infrastructure;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Orchestrator.Tests.Storage;

/// <summary>
/// The official Azure blob grain storage's conformance cases, run against every grain storage of the silo
/// (<see cref="BlobGrainStorageConformanceTests"/> on Azurite, <see cref="LocalFileGrainStorageConformanceTests"/>).
/// </summary>
public abstract class GrainStorageConformanceCases
{
    protected const string StateName = "counter";

    protected abstract IGrainStorage NewStorage();

    protected static GrainId NewGrainId() => GrainId.Create("counter", Guid.NewGuid().ToString("N"));

    protected static GrainState<CounterState> State(int count, string? etag = null) =>
        new(new CounterState { Count = count, Label = $"n{count}", History = [$"h{count}"] }, etag);

    [Fact]
    public async Task Missing_state_reads_as_default_without_etag()
    {
        var storage = NewStorage();
        var state = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, NewGrainId(), state);
        Assert.NotNull(state.State);
        Assert.Equal(0, state.State!.Count);
        Assert.NotNull(state.State!.History);
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
    }

    [Fact]
    public async Task Write_then_read_round_trips_and_sets_etag()
    {
        var storage = NewStorage();
        var grain = NewGrainId();
        var written = State(7);
        await storage.WriteStateAsync(StateName, grain, written);
        Assert.NotNull(written.ETag);
        Assert.True(written.RecordExists);

        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(7, read.State!.Count);
        Assert.Equal("n7", read.State!.Label);
        Assert.Equal(["h7"], read.State!.History);
    }

    [Fact]
    public async Task Etag_changes_on_each_write()
    {
        var storage = NewStorage();
        var grain = NewGrainId();
        var state = State(1);
        var etags = new HashSet<string>();
        for (var i = 0; i < 3; i++)
        {
            state.State!.Count = i;
            await storage.WriteStateAsync(StateName, grain, state);
            Assert.True(etags.Add(state.ETag!), $"ETag {state.ETag} repeated on write {i}");
        }
    }

    [Fact]
    public async Task Duplicate_first_write_fails_for_the_second_writer()
    {
        var storage = NewStorage();
        var grain = NewGrainId();
        await storage.WriteStateAsync(StateName, grain, State(1));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, State(2)));

        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grain, read);
        Assert.Equal(1, read.State!.Count);
    }

    [Fact]
    public async Task Stale_etag_write_and_clear_fail()
    {
        var storage = NewStorage();
        var grain = NewGrainId();
        var first = State(1);
        await storage.WriteStateAsync(StateName, grain, first);
        var stale = State(2, first.ETag);
        first.State!.Count = 3;
        await storage.WriteStateAsync(StateName, grain, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, grain, stale));
        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grain, read);
        Assert.Equal(3, read.State!.Count);
    }

    [Fact]
    public async Task Independent_state_names_do_not_collide()
    {
        var storage = NewStorage();
        var grain = NewGrainId();
        await storage.WriteStateAsync("alpha", grain, State(1));
        await storage.WriteStateAsync("beta", grain, State(2));

        var alpha = new GrainState<CounterState>();
        var beta = new GrainState<CounterState>();
        await storage.ReadStateAsync("alpha", grain, alpha);
        await storage.ReadStateAsync("beta", grain, beta);
        Assert.Equal(1, alpha.State!.Count);
        Assert.Equal(2, beta.State!.Count);
    }

    [Fact]
    public async Task Parallel_writes_of_different_grains_all_read_back()
    {
        var storage = NewStorage();
        var grains = Enumerable.Range(0, 24).Select(_ => NewGrainId()).ToArray();
        await Task.WhenAll(grains.Select((grain, i) => storage.WriteStateAsync(StateName, grain, State(i))));

        var reads = await Task.WhenAll(grains.Select(async grain =>
        {
            var state = new GrainState<CounterState>();
            await storage.ReadStateAsync(StateName, grain, state);
            return state;
        }));
        Assert.Equal(Enumerable.Range(0, grains.Length), reads.Select(r => r.State!.Count));
        Assert.All(reads, r => Assert.True(r.RecordExists));
    }

    [Fact]
    public async Task Clear_then_read_gives_default_and_allows_a_fresh_first_write()
    {
        var storage = NewStorage();
        var grain = NewGrainId();
        var state = State(5);
        await storage.WriteStateAsync(StateName, grain, state);
        await storage.ClearStateAsync(StateName, grain, state);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);

        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grain, read);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal(0, read.State!.Count);

        await storage.WriteStateAsync(StateName, grain, State(6));
    }
}
