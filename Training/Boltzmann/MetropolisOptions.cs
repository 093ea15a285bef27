namespace Orchestrator.Training.Boltzmann;

/// <summary>
/// Settings of the vectorised Metropolis sampler (spec §2): many chains as one tensor, isotropic Gaussian proposals
/// on all coordinates, a step size tuned during burn-in to an acceptance rate in [<see cref="TargetLow"/>,
/// <see cref="TargetHigh"/>], then frozen; every <see cref="Thin"/>-th state of each chain is kept, mean-free.
/// </summary>
public sealed record MetropolisOptions
{
    public int Chains { get; init; } = 2_000;
    /// <summary>Steps before the first kept state (step-size tuning happens here).</summary>
    public int BurnIn { get; init; } = 20_000;
    /// <summary>Steps between kept states of one chain (≥ 10).</summary>
    public int Thin { get; init; } = 20;
    public double InitialStepSize { get; init; } = 0.1;
    public double TargetLow { get; init; } = 0.3;
    public double TargetHigh { get; init; } = 0.5;
    /// <summary>Burn-in steps per tuning window.</summary>
    public int TuneEvery { get; init; } = 100;
    public ulong Seed { get; init; } = 1;

    public void Validate()
    {
        if (Chains < 1 || BurnIn < TuneEvery || Thin < 10 || TuneEvery < 10 || InitialStepSize <= 0 || !(TargetLow > 0 && TargetLow < TargetHigh && TargetHigh < 1))
            throw new ArgumentException($"Invalid Metropolis options: {this} (need chains ≥ 1, thin ≥ 10, burn-in ≥ one tuning window ≥ 10 steps, 0 < low < high < 1).");
    }
}
