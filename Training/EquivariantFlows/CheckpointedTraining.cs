namespace Orchestrator.Training.EquivariantFlows;

/// <summary>
/// Runs a <see cref="GeneratorTrainer"/> with a checkpoint file: resumes from it when present, rewrites it every
/// <c>every</c> epochs and at the end (write to a temporary file, then rename, so a crash never leaves half a file).
/// </summary>
public static class CheckpointedTraining
{
    public static void Run(GeneratorTrainer trainer, string? path, int every, Action<GeneratorEpoch>? afterEpoch = null, CancellationToken cancellation = default)
    {
        if (path is not null && File.Exists(path))
        {
            using var stream = File.OpenRead(path);
            trainer.LoadCheckpoint(stream);
        }
        trainer.Run(epoch =>
        {
            afterEpoch?.Invoke(epoch);
            if (path is not null && epoch.Epoch % Math.Max(1, every) == 0)
                Save(trainer, path);
        }, cancellation);
        if (path is not null)
            Save(trainer, path);
    }

    private static void Save(GeneratorTrainer trainer, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
            trainer.SaveCheckpoint(stream);
        File.Move(temporary, path, overwrite: true);
    }
}
