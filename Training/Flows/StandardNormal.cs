using static TorchSharp.torch;

namespace Orchestrator.Training.Flows;

/// <summary>The latent N(0, I_D).</summary>
public static class StandardNormal
{
    /// <summary>log N(z; 0, I) per row.</summary>
    public static Tensor LogProb(Tensor z)
    {
        using var scope = NewDisposeScope();
        var dim = z.shape[1];
        return (-0.5 * z.square().sum(1) - 0.5 * dim * Math.Log(2 * Math.PI)).MoveToOuterDisposeScope();
    }
}
