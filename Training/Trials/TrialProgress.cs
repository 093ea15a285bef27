using Orchestrator.Training.Optimization;

namespace Orchestrator.Training.Trials;

/// <summary>A step of a running trial, for progress displays.</summary>
public abstract record TrialProgress
{
    public sealed record Simulated(int Pairs, int Dropped, double Seconds) : TrialProgress;
    public sealed record Resumed(int EpochsDone) : TrialProgress;
    public sealed record Epoch(EpochProgress Progress) : TrialProgress;
    /// <summary>Cancelled between periodic checkpoints: the last finished epoch was saved on the way out.</summary>
    public sealed record SavedOnCancel(int EpochsDone) : TrialProgress;
    public sealed record Evaluated(int Observation, double C2st, double AcceptanceRate) : TrialProgress;
}
