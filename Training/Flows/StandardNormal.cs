using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Flows;

/// <summary>The latent N(0, I_D).</summary>
public static class StandardNormal
{
    /// <summary>log N(z; 0, I) per row (over the last dimension).</summary>
    public static Tensor LogProb(Tensor z)
    {
        using var scope = NewDisposeScope();
        // Owned Scalars (not implicit temporaries, which the GC may finalise during a native call).
        using var minusHalf = (-0.5).ToScalar();
        using var logNormaliser = (-0.5 * z.shape[^1] * Math.Log(2 * Math.PI)).ToScalar();
        using var one = 1.0.ToScalar();
        return (z * z).sum(-1).mul(minusHalf).add(logNormaliser, one).MoveToOuterDisposeScope();
    }
}
