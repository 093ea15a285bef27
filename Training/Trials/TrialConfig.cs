using Orchestrator.Training.Optimization;

namespace Orchestrator.Training.Trials;

/// <summary>Everything that defines one free-form flow trial on one sbibm task. Same config and seed → same result on CPU.</summary>
public sealed record TrialConfig
{
    public string Task { get; init; } = "two_moons";
    /// <summary>Simulation budget: number of (θ, x) pairs (sbibm uses 10³, 10⁴, 10⁵).</summary>
    public int Budget { get; init; } = 10_000;
    public TrainingOptions Training { get; init; } = new();
    public long Seed { get; init; } = 1;
    /// <summary>"cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>Observation numbers to evaluate C2ST on (the shared data has 1..5).</summary>
    public IReadOnlyList<int> Observations { get; init; } = [1, 2, 3, 4, 5];
    /// <summary>Posterior samples drawn per observation (sbibm: 10,000).</summary>
    public int PosteriorSamples { get; init; } = 10_000;
    /// <summary>Leading fraction of the simulations held out for validation.</summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Intra-op threads for this trial's thread (0 keeps TorchSharp's default).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Throws with a message naming the field when the config is invalid.</summary>
    public void Validate()
    {
        Sbi.SbiTasks.Get(Task);
        if (Budget < 20)
            throw new ArgumentException($"Budget must be at least 20 simulations (got {Budget}).");
        if (Seed < 0)
            throw new ArgumentException($"Seed must be ≥ 0 (got {Seed}).");
        if (PosteriorSamples < 100)
            throw new ArgumentException($"PosteriorSamples must be at least 100 (got {PosteriorSamples}).");
        if (ValidationFraction is <= 0 or >= 0.5)
            throw new ArgumentException($"ValidationFraction must be in (0, 0.5) (got {ValidationFraction}).");
        if (Threads < 0)
            throw new ArgumentException($"Threads must be ≥ 0 (got {Threads}).");
        if (Observations.Count == 0)
            throw new ArgumentException("Observations must name at least one observation number.");
        Training.Validate();
    }
}
