using Orchestrator.Training.Networks;

namespace Orchestrator.Training.Optimization;

/// <summary>How a free-form flow is trained. Defaults follow the FFF reference SBI setup.</summary>
public sealed record TrainingOptions
{
    /// <summary>Reconstruction weight β.</summary>
    public double Beta { get; init; } = 25;
    /// <summary>Peak learning rate of the one-cycle schedule.</summary>
    public double LearningRate { get; init; } = 5e-4;
    /// <summary>L2 penalty inside Adam.</summary>
    public double WeightDecay { get; init; } = 1e-4;
    public int BatchSize { get; init; } = 128;
    public int Epochs { get; init; } = 200;
    /// <summary>Number K of Hutchinson vectors per sample.</summary>
    public int HutchinsonSamples { get; init; } = 1;
    public string Architecture { get; init; } = Architectures.Reference;
    /// <summary>Start encoder and decoder near the identity (residual skip, last layers near zero).</summary>
    public bool IdentityInit { get; init; }
    /// <summary>Largest global L2 norm of the gradient; larger gradients are scaled down to it. 0 turns clipping off.</summary>
    public double GradientClip { get; init; }
    /// <summary>Consecutive batches with a non-finite loss or gradient after which the run fails.</summary>
    public int MaxConsecutiveNonFinite { get; init; } = 50;

    /// <summary>Throws with a message naming the field when an option is out of range.</summary>
    public void Validate()
    {
        Require(Beta >= 0 && double.IsFinite(Beta), nameof(Beta), "a finite number ≥ 0");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), "a finite number > 0");
        Require(WeightDecay >= 0, nameof(WeightDecay), "≥ 0");
        Require(BatchSize >= 1, nameof(BatchSize), "≥ 1");
        Require(Epochs >= 1, nameof(Epochs), "≥ 1");
        Require(HutchinsonSamples >= 1, nameof(HutchinsonSamples), "≥ 1");
        Require(GradientClip >= 0 && double.IsFinite(GradientClip), nameof(GradientClip), "a finite number ≥ 0 (0 = off)");
        Require(MaxConsecutiveNonFinite >= 1, nameof(MaxConsecutiveNonFinite), "≥ 1");
        if (!Architectures.Names.Contains(Architecture))
            throw new ArgumentException($"Architecture '{Architecture}' is not known: expected one of {string.Join(", ", Architectures.Names)}.");
    }

    private static void Require(bool ok, string field, string expected)
    {
        if (!ok)
            throw new ArgumentException($"Training option {field} must be {expected}.");
    }
}
