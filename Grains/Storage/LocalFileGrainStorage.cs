using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Orchestrator.Grains.Storage;

/// <summary>
/// Grain storage in a local folder, with the same semantics as <see cref="BlobGrainStorage"/> (file
/// "{stateName}-{grainId}.json", ETag concurrency, InconsistentStateException on conflict): the embedded default
/// that needs no setup and survives a restart of a single-machine silo. The ETag is a write counter kept in a side
/// file; writes are serialised per process, which is all a single-machine silo needs.
/// </summary>
public sealed class LocalFileGrainStorage(string root, IGrainStorageSerializer serializer) : IGrainStorage
{
    private static readonly Lock Gate = new();

    public static LocalFileGrainStorage Create(IServiceProvider services, string root) =>
        new(root, services.GetRequiredService<IGrainStorageSerializer>());

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (data, etag) = Paths(stateName, grainId);
        lock (Gate)
        {
            if (!File.Exists(data))
            {
                grainState.State = Activator.CreateInstance<T>();
                grainState.ETag = File.Exists(etag) ? File.ReadAllText(etag) : null;
                grainState.RecordExists = false;
                return Task.CompletedTask;
            }
            grainState.State = serializer.Deserialize<T>(BinaryData.FromBytes(File.ReadAllBytes(data))) ?? Activator.CreateInstance<T>();
            grainState.ETag = File.ReadAllText(etag);
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (data, etag) = Paths(stateName, grainId);
        var contents = serializer.Serialize(grainState.State).ToArray();
        lock (Gate)
        {
            var stored = File.Exists(etag) ? File.ReadAllText(etag) : null;
            if (stored != grainState.ETag)
                throw new InconsistentStateException($"ETag mismatch for {data}: stored {stored ?? "none"}, given {grainState.ETag ?? "none"}.", stored ?? "", grainState.ETag ?? "");
            var next = ((stored is null ? 0 : long.Parse(stored, System.Globalization.CultureInfo.InvariantCulture)) + 1)
                .ToString(System.Globalization.CultureInfo.InvariantCulture);
            Directory.CreateDirectory(Path.GetDirectoryName(data)!);
            File.WriteAllBytes(data + ".tmp", contents);
            File.Move(data + ".tmp", data, overwrite: true);
            File.WriteAllText(etag, next);
            grainState.ETag = next;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (data, etag) = Paths(stateName, grainId);
        lock (Gate)
        {
            var stored = File.Exists(etag) ? File.ReadAllText(etag) : null;
            if (stored != grainState.ETag)
                throw new InconsistentStateException($"ETag mismatch for {data} on clear.", stored ?? "", grainState.ETag ?? "");
            File.Delete(data);
            File.Delete(etag);
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        return Task.CompletedTask;
    }

    private (string Data, string ETag) Paths(string stateName, GrainId grainId)
    {
        var data = Path.Combine(root, GrainBlobNames.For(stateName, grainId));
        return (data, data + ".etag");
    }
}
