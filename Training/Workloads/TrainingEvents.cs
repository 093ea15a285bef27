using Orchestrator.Protocol;
using Orchestrator.Training.Trials;

namespace Orchestrator.Training.Workloads;

/// <summary>
/// Forwards a trainer's progress (resumed, epoch) as trial-host events, with CheckpointSaved right after the epoch whose
/// end wrote a checkpoint. <see cref="ResumedFrom"/> remembers the epochs a resumed checkpoint held.
/// </summary>
public sealed class TrainingEvents(string requestId, NotifyingCheckpointStore store, Action<TrialHostEvent> events)
{
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
                events(new Epoch(requestId, p.Epoch, p.Epochs, p.TrainLoss, p.ValidationNll, p.ValidationReconstruction,
                    p.LearningRate, p.StepSeconds, p.SkippedBatches));
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
