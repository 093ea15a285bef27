using Orchestrator.Protocol;

namespace Orchestrator.Grains.Workers;

/// <summary>The trial host exited without being asked to (e.g. a native abort); <see cref="Died"/> says how.</summary>
public sealed class TrialProcessDiedException(TrialProcessDied died)
    : Exception($"The trial host (pid {died.Pid}) died: {died.ExitDescription}{TrialProcessStderrTail.Summary(died.StderrTail, " — last stderr: ")}")
{
    public TrialProcessDied Died { get; } = died;
}
