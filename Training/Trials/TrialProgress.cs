using Orchestrator.Training.Optimization;

namespace Orchestrator.Training.Trials;

/// <summary>A step of a running trial, for progress displays.</summary>
public abstract record TrialProgress
{
    public sealed record Simulated(int Pairs, int Dropped, double Seconds) : TrialProgress;
    public sealed record Resumed(int EpochsDone) : TrialProgress;
    public sealed record Epoch(EpochProgress Progress) : TrialProgress;
    public sealed record Evaluated(int Observation, double C2st, double AcceptanceRate) : TrialProgress;
}
