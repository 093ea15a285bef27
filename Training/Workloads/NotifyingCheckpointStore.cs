using Orchestrator.Training.Trials;

namespace Orchestrator.Training.Workloads;

/// <summary>
/// A file checkpoint store that remembers that it saved, so the epoch callback (which runs right after the save) can
/// report CheckpointSaved with its epoch. With <c>readOnly</c> it refuses to save (evaluation of a finished training).
/// </summary>
public sealed class NotifyingCheckpointStore(string path, bool readOnly = false) : ICheckpointStore
{
    private readonly FileCheckpointStore _file = new(path);
    private bool _saved;

    public string Path => _file.Path;

    public Stream? OpenLatest() => _file.OpenLatest();

    public void Save(Action<Stream> write)
    {
        if (readOnly)
            throw new InvalidOperationException($"The checkpoint {Path} is read-only here: evaluation must not train.");
        _file.Save(write);
        _saved = true;
    }

    /// <summary>True once after each save.</summary>
    public bool TakeSaved()
    {
        var saved = _saved;
        _saved = false;
        return saved;
    }
}
