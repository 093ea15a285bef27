using Orchestrator.Protocol;

namespace Orchestrator.Grains.Workers;

/// <summary>How a request ended under <see cref="TrialProcessRunner"/>.</summary>
/// <param name="Terminal"><see cref="Completed"/>, <see cref="Failed"/> (kind <see cref="FailureKinds.HostDied"/> when
/// the child died on every attempt) or <see cref="Cancelled"/>.</param>
/// <param name="Attempts">Attempts made (1 when the child never died).</param>
/// <param name="Deaths">The child's deaths during this request, in order.</param>
public sealed record TrialProcessOutcome(TrialHostEvent Terminal, int Attempts, IReadOnlyList<TrialProcessDied> Deaths)
{
    public Completed? Completed => Terminal as Completed;
    public Failed? Failed => Terminal as Failed;
    public bool IsCancelled => Terminal is Cancelled;
}
