using Orchestrator.Protocol;

namespace Orchestrator.Training.Workloads;

/// <summary>
/// A workload whose trials can train as one pack (<see cref="TrainPackRequest"/>): K trials of the same shapes fused into
/// one batched model. Runs on the trial host's worker thread like <see cref="IWorkload.Train"/>.
/// </summary>
public interface IPackableWorkload
{
    /// <summary>
    /// Trains the members as one pack, reporting each member's events under its own requestId, and returns one terminal
    /// event per member (<see cref="Completed"/> or <see cref="Failed"/>), in member order. Throws
    /// <see cref="InvalidTrialRequestException"/> when the members cannot share a pack.
    /// </summary>
    /// <param name="memberCancelled">Asked after each epoch of member i: true stops that member alone (masking); that epoch
    /// is dropped, so it keeps the checkpoint of the last epoch it reported; it ends <see cref="Cancelled"/>.</param>
    IReadOnlyList<TrialHostEvent> TrainPack(TrainPackRequest request, Action<TrialHostEvent> events, CancellationToken cancellation,
        Func<int, bool>? memberCancelled = null);
}
