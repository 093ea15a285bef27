using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Boltzmann;

/// <summary>
/// The prior of a Boltzmann generator (spec §3): z_i ~ N(0, I_D) i.i.d., then the mean subtracted, a standard
/// normal on the (N−1)·D-dimensional mean-free subspace. Published NLLs leave out its constant
/// 0.5 (N−1) D log 2π ("unnormalised"); both forms are given here.
/// </summary>
public static class MeanFreeGaussian
{
    /// <summary>n mean-free samples [n, N·D].</summary>
    public static Tensor Sample(IParticleSystem system, long n, Generator rng, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var z = randn([n, system.ParticleCount * system.Dimensions], dtype: dtype, device: device, generator: rng);
        return ParticleGeometry.RemoveMean(z, system.ParticleCount, system.Dimensions).MoveToOuterDisposeScope();
    }

    /// <summary>0.5 (N−1) D log 2π: added to an unnormalised NLL it gives the normalised one.</summary>
    public static double LogNormaliser(IParticleSystem system) =>
        0.5 * (system.ParticleCount - 1) * system.Dimensions * Math.Log(2 * Math.PI);

    /// <summary>0.5 |z|² per row of mean-free z: the unnormalised negative log density.</summary>
    public static Tensor UnnormalisedNll(Tensor z)
    {
        using var scope = NewDisposeScope();
        using var half = 0.5.ToScalar();
        return (z * z).sum(1).mul(half).MoveToOuterDisposeScope();
    }

    /// <summary>log density on the mean-free subspace, normalised: −0.5 |z|² − 0.5 (N−1) D log 2π.</summary>
    public static Tensor LogProb(IParticleSystem system, Tensor z)
    {
        using var scope = NewDisposeScope();
        using var minusOne = (-1.0).ToScalar();
        using var normaliser = LogNormaliser(system).ToScalar();
        return UnnormalisedNll(z).add(normaliser).mul(minusOne).MoveToOuterDisposeScope();
    }
}
