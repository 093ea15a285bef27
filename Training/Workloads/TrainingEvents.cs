using Orchestrator.Protocol;
using Orchestrator.Training.Trials;

namespace Orchestrator.Training.Workloads;

/// <summary>
/// Forwards a free-form-flow trainer's progress (resumed, epoch) as trial-host events (the epoch metrics fff-sbi and fff-bg declare), with CheckpointSaved right after the epoch whose
/// end wrote a checkpoint. <see cref="ResumedFrom"/> remembers the epochs a resumed checkpoint held.
/// </summary>
public sealed class TrainingEvents(string requestId, NotifyingCheckpointStore store, Action<TrialHostEvent> events)
{
    /// <summary>The per-epoch validation reconstruction error the free-form-flow trainer reports beside the common metrics.</summary>
    public const string ValReconstruction = "valReconstruction";

    public int ResumedFrom { get; private set; }

    public void Report(TrialProgress progress)
    {
        switch (progress)
        {
            case TrialProgress.Resumed r:
                ResumedFrom = r.EpochsDone;
                events(new Resumed(requestId, r.EpochsDone));
                break;
            case TrialProgress.Epoch { Progress: var p }:
                events(new Epoch(requestId, p.Epoch, p.Epochs, new Dictionary<string, double>
                {
                    [CommonMetrics.TrainLoss] = p.TrainLoss,
                    [CommonMetrics.ValNll] = p.ValidationNll,
                    [ValReconstruction] = p.ValidationReconstruction,
                    [CommonMetrics.Lr] = p.LearningRate,
                    [CommonMetrics.StepSeconds] = p.StepSeconds,
                    [CommonMetrics.SkippedBatches] = p.SkippedBatches,
                }));
                if (store.TakeSaved())
                    events(new CheckpointSaved(requestId, p.Epoch, store.Path));
                break;
            case TrialProgress.SavedOnCancel s:
                store.TakeSaved();
                events(new CheckpointSaved(requestId, s.EpochsDone, store.Path));
                break;
        }
    }
}
