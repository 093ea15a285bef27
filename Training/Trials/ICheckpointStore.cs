namespace Orchestrator.Training.Trials;

/// <summary>Where a trial keeps its latest checkpoint (a file here; a blob in the orchestrator).</summary>
public interface ICheckpointStore
{
    /// <summary>The latest checkpoint, or null when there is none yet.</summary>
    Stream? OpenLatest();

    /// <summary>Replaces the latest checkpoint with what <paramref name="write"/> writes, atomically.</summary>
    void Save(Action<Stream> write);
}

/// <summary>A checkpoint file, replaced atomically (write to a temporary file, then rename).</summary>
public sealed class FileCheckpointStore(string path) : ICheckpointStore
{
    public string Path { get; } = path;

    public Stream? OpenLatest() => File.Exists(Path) ? File.OpenRead(Path) : null;

    public void Save(Action<Stream> write)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        var temporary = Path + ".tmp";
        using (var stream = File.Create(temporary))
            write(stream);
        File.Move(temporary, Path, overwrite: true);
    }
}
