using Orchestrator.Training.Trials;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>
/// Runs a <see cref="GeneratorTrainer"/> with a checkpoint store: resumes from its latest checkpoint when there is one,
/// saves every <c>every</c> epochs and at the end.
/// </summary>
public static class CheckpointedTraining
{
    /// <summary>Returns the epochs the checkpoint held when training started (0: a fresh run).</summary>
    /// <param name="resumed">Called with the checkpoint's epochs when training continues from one.</param>
    public static int Run(GeneratorTrainer trainer, ICheckpointStore? store, int every, Action<GeneratorEpoch>? afterEpoch = null,
        CancellationToken cancellation = default, Action<int>? resumed = null)
    {
        using (var latest = store?.OpenLatest())
        {
            if (latest is not null)
            {
                trainer.LoadCheckpoint(latest);
                resumed?.Invoke(trainer.EpochsDone);
            }
        }
        var resumedFrom = trainer.EpochsDone;
        var saved = resumedFrom;
        trainer.Run(epoch =>
        {
            // Saved before the callback, so a callback that reports "checkpoint saved" (or cancels) sees it on disk.
            if (store is not null && (epoch.Epoch % Math.Max(1, every) == 0 || epoch.Epoch == trainer.TotalEpochs))
            {
                store.Save(trainer.SaveCheckpoint);
                saved = epoch.Epoch;
            }
            afterEpoch?.Invoke(epoch);
        }, cancellation);
        if (store is not null && saved != trainer.EpochsDone)
            store.Save(trainer.SaveCheckpoint);
        return resumedFrom;
    }

    /// <summary>A file store at <paramref name="path"/>, or none.</summary>
    public static ICheckpointStore? File(string? path) => path is null ? null : new FileCheckpointStore(path);
}
