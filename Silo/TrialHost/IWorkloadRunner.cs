using Orchestrator.Grains.Workers.Protocol;

namespace Orchestrator.Silo.TrialHost;

/// <summary>
/// Runs one kind of trial (by <see cref="Name"/>, e.g. "fff-sbi") on the trial host's worker thread. Blocks; reports
/// progress through <c>events</c> and returns the <see cref="Completed"/> event. Throws
/// <see cref="InvalidTrialRequestException"/> for bad requests and <see cref="OperationCanceledException"/> when cancelled.
/// </summary>
public interface IWorkloadRunner
{
    string Name { get; }

    Completed Train(TrainRequest request, Action<TrialHostEvent> events, CancellationToken cancellation);

    Completed Evaluate(EvaluateRequest request, Action<TrialHostEvent> events, CancellationToken cancellation);
}
