using System.Text;
using Microsoft.Extensions.Options;
using Orchestrator.Grains.Storage;
using Orleans.Serialization;
using Orleans.Storage;

namespace Orchestrator.Tests.Storage;

/// <summary>The grain storage conformance cases against the local-folder storage, plus what a crash can leave behind.</summary>
public sealed class LocalFileGrainStorageConformanceTests : GrainStorageConformanceCases, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("orchestrator-test-work-grains-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    protected override IGrainStorage NewStorage() => new LocalFileGrainStorage(_root,
        new SystemTextJsonGrainStorageSerializer(Options.Create(new SystemTextJsonGrainStorageSerializerOptions())));

    [Fact]
    public async Task A_crash_mid_write_leaves_the_previous_state_readable_and_writable()
    {
        var storage = NewStorage();
        var grain = NewGrainId();
        var state = State(1);
        await storage.WriteStateAsync(StateName, grain, state);
        // A writer killed before its rename leaves a partial temporary file beside the state.
        var path = Path.Combine(_root, GrainBlobNames.For(StateName, grain));
        await File.WriteAllTextAsync($"{path}.{Guid.NewGuid():N}.tmp", "etag:half-writt");

        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grain, read);
        Assert.Equal(1, read.State!.Count);
        Assert.Equal(state.ETag, read.ETag);
        read.State.Count = 2;
        await storage.WriteStateAsync(StateName, grain, read);
        var again = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grain, again);
        Assert.Equal(2, again.State!.Count);
    }

    [Fact]
    public async Task State_of_the_earlier_two_file_layout_still_activates_even_after_a_crash_between_its_renames()
    {
        var storage = NewStorage();
        var grain = NewGrainId();
        var path = Path.Combine(_root, GrainBlobNames.For(StateName, grain));
        // The old layout wrote the state, then the ETag side file: a crash in between left no side file at all.
        var serializer = new SystemTextJsonGrainStorageSerializer(Options.Create(new SystemTextJsonGrainStorageSerializerOptions()));
        await File.WriteAllBytesAsync(path, serializer.Serialize(new CounterState { Count = 4, Label = "n4", History = [] }).ToArray());

        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(4, read.State!.Count);
        read.State.Count = 5;
        await storage.WriteStateAsync(StateName, grain, read);
        Assert.StartsWith("etag:", Encoding.ASCII.GetString((await File.ReadAllBytesAsync(path))[..5]));
    }
}
