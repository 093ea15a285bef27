using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Orchestrator.Grains.Storage;

/// <summary>
/// Grain storage in a local folder, with the same semantics as <see cref="BlobGrainStorage"/> (file
/// "{stateName}-{grainId}.json", ETag concurrency, InconsistentStateException on conflict): the embedded default
/// that needs no setup and survives a restart of a single-machine silo. State and ETag live in one file
/// ("etag:{etag}" line, then the state), replaced by one rename of a fully written temporary file: a crash at any
/// point leaves either the old or the new state, never a state whose ETag no longer matches. The temporary file is on
/// disk (fsync) before the rename; concurrent writers share fsync waves (<see cref="GroupFlush"/>), and the ETag check
/// reads only the file's first line. Writes of one grain are serialised by a lock stripe of its file, never by a
/// process-wide lock.
/// </summary>
public sealed class LocalFileGrainStorage(string root, IGrainStorageSerializer serializer) : IGrainStorage
{
    private const string EtagPrefix = "etag:";
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly GroupFlush _flushes = new();

    public static LocalFileGrainStorage Create(IServiceProvider services, string root) =>
        new(root, services.GetRequiredService<IGrainStorageSerializer>());

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var stored = await ReadAsync(path);
        grainState.State = stored is { } s ? serializer.Deserialize<T>(s.State) ?? Activator.CreateInstance<T>() : Activator.CreateInstance<T>();
        grainState.ETag = stored?.ETag;
        grainState.RecordExists = stored is not null;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var contents = serializer.Serialize(grainState.State);
        var gate = Stripe(path);
        await gate.WaitAsync();
        try
        {
            var (stored, legacy) = StoredEtag(path);
            if (stored != grainState.ETag)
                throw Conflict(path, stored, grainState.ETag);
            var next = Guid.NewGuid().ToString("N");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // A unique temporary name: a crashed writer's leftover never collides with the next one.
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            using (var file = File.OpenHandle(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                var header = Encoding.ASCII.GetBytes($"{EtagPrefix}{next}\n");
                RandomAccess.Write(file, header, 0);
                RandomAccess.Write(file, contents.ToMemory().Span, header.Length);
                // On disk before the rename makes it the state (one fsync wave for all concurrent writers).
                await _flushes.FlushAsync(file);
            }
            File.Move(temporary, path, overwrite: true);
            if (legacy)
                File.Delete(path + ".etag"); // the side file of the earlier two-file layout
            grainState.ETag = next;
            grainState.RecordExists = true;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var gate = Stripe(path);
        await gate.WaitAsync();
        try
        {
            var (stored, _) = StoredEtag(path);
            if (stored != grainState.ETag)
                throw Conflict(path, stored, grainState.ETag);
            File.Delete(path);
            File.Delete(path + ".etag");
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The stored state and its ETag, or null when there is none. Reads the earlier two-file layout too.</summary>
    private static async Task<(BinaryData State, string ETag)?> ReadAsync(string path)
    {
        // Most reads of a new grain find nothing: asked first, as an exception per activation costs more than the read.
        if (!File.Exists(path))
            return null;
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        var prefix = Encoding.ASCII.GetBytes(EtagPrefix);
        var newline = Array.IndexOf(bytes, (byte)'\n');
        if (bytes.AsSpan().StartsWith(prefix) && newline > 0)
            return (BinaryData.FromBytes(bytes.AsMemory(newline + 1)), Encoding.ASCII.GetString(bytes, prefix.Length, newline - prefix.Length));
        var legacy = File.Exists(path + ".etag") ? (await File.ReadAllTextAsync(path + ".etag")).Trim() : "legacy";
        return (BinaryData.FromBytes(bytes), legacy);
    }

    /// <summary>
    /// The stored ETag (null: no state) from the file's first line only — the check before every write need not read
    /// the state; <c>Legacy</c> when the file is of the earlier two-file layout (ETag in a side file).
    /// </summary>
    private static (string? ETag, bool Legacy) StoredEtag(string path)
    {
        Span<byte> head = stackalloc byte[EtagPrefix.Length + 64];
        int read;
        if (!File.Exists(path))
            return (null, false);
        try
        {
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            read = RandomAccess.Read(file, head, 0);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (null, false);
        }
        head = head[..read];
        var newline = head.IndexOf((byte)'\n');
        if (head.StartsWith(Encoding.ASCII.GetBytes(EtagPrefix)) && newline > 0)
            return (Encoding.ASCII.GetString(head[EtagPrefix.Length..newline]), false);
        var side = path + ".etag";
        return (File.Exists(side) ? File.ReadAllText(side).Trim() : "legacy", true);
    }

    private static InconsistentStateException Conflict(string path, string? stored, string? given) =>
        new($"ETag mismatch for {path}: stored {stored ?? "none"}, given {given ?? "none"}.", stored ?? "", given ?? "");

    private SemaphoreSlim Stripe(string path) => _stripes[(StringComparer.Ordinal.GetHashCode(path) & int.MaxValue) % _stripes.Length];

    private string PathOf(string stateName, GrainId grainId) => Path.Combine(root, GrainBlobNames.For(stateName, grainId));
}
