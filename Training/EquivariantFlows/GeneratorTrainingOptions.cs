namespace Orchestrator.Training.EquivariantFlows;

/// <summary>
/// Training of a Boltzmann generator (defaults: spec §5): maximum likelihood for <see cref="MlEpochs"/>, then
/// <see cref="MixEpochs"/> of λ·NLL + (1 − λ)·KL per batch with λ annealed linearly from 1 to <see cref="FinalLambda"/>.
/// Adam (no weight decay) at a constant learning rate.
/// </summary>
public sealed record GeneratorTrainingOptions
{
    public int MlEpochs { get; init; } = 25;

    public int MixEpochs { get; init; } = 25;

    /// <summary>λ reached at the last mix epoch.</summary>
    public double FinalLambda { get; init; } = 0.5;

    public double LearningRate { get; init; } = 5e-3;

    public int BatchSize { get; init; } = 64;

    /// <summary>Largest gradient norm (0: no clipping). KL gradients of a quartic energy can spike.</summary>
    public double GradientClip { get; init; } = 100;

    /// <summary>Consecutive non-finite batches after which training fails.</summary>
    public int MaxConsecutiveNonFinite { get; init; } = 20;

    public int TotalEpochs => MlEpochs + MixEpochs;

    /// <summary>λ of epoch <paramref name="epoch"/> (0-based): 1 during ML, then linear down to <see cref="FinalLambda"/>.</summary>
    public double Lambda(int epoch) => epoch < MlEpochs
        ? 1.0
        : 1.0 - (1.0 - FinalLambda) * (epoch - MlEpochs + 1) / MixEpochs;

    public void Validate()
    {
        if (MlEpochs < 0 || MixEpochs < 0 || TotalEpochs < 1)
            throw new ArgumentException("Epochs must be ≥ 0 and at least one in all.");
        if (FinalLambda is < 0 or > 1)
            throw new ArgumentException("λ must lie in [0, 1].");
        if (LearningRate <= 0 || BatchSize < 1 || GradientClip < 0 || MaxConsecutiveNonFinite < 1)
            throw new ArgumentException("Learning rate and batch size must be positive, gradient clip ≥ 0.");
    }
}
