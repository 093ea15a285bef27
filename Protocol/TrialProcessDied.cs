using System.Text.Json.Serialization;

namespace Orchestrator.Protocol;

/// <summary>
/// The child exited without being asked to (made by the parent, never sent by the child). A native abort shows on
/// Linux as exit code 134 (128 + SIGABRT); <see cref="Signal"/> names the signal when the code is 128 + a known signal.
/// </summary>
/// <param name="Generation">Which start of the TrialProcess died (1 for the first).</param>
/// <param name="StderrTail">The child's last stderr lines, oldest first.</param>
public sealed record TrialProcessDied(int Pid, int Generation, int ExitCode, string? Signal, IReadOnlyList<string> StderrTail) : TrialHostEvent
{
    /// <summary>"exit code 134 (SIGABRT)".</summary>
    [JsonIgnore]
    public string ExitDescription => Signal is null ? $"exit code {ExitCode}" : $"exit code {ExitCode} ({Signal})";

    /// <summary>The signal name for an exit code of 128 + signal, as Linux shells and .NET report a signal death.</summary>
    public static string? SignalOf(int exitCode) => exitCode switch
    {
        128 + 1 => "SIGHUP",
        128 + 2 => "SIGINT",
        128 + 4 => "SIGILL",
        128 + 6 => "SIGABRT",
        128 + 7 => "SIGBUS",
        128 + 8 => "SIGFPE",
        128 + 9 => "SIGKILL",
        128 + 11 => "SIGSEGV",
        128 + 13 => "SIGPIPE",
        128 + 15 => "SIGTERM",
        _ => null,
    };
}
