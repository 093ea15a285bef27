using Orchestrator.Training.Boltzmann;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>
/// A Boltzmann generator on the mean-free subspace Σ_i x_i = 0 of N particles in D dimensions (spec §3): a
/// bijection between the mean-free Gaussian prior z and configurations x. Likelihoods are UNNORMALISED as in the
/// published tables, NLL(x) = 0.5|z|² − log|det ∂z/∂x|; <see cref="GaussianConstant"/> normalises them.
/// </summary>
public abstract class BoltzmannGenerator : nn.Module
{
    protected BoltzmannGenerator(string name, int particles, int dimensions) : base(name)
    {
        Particles = particles;
        Dimensions = dimensions;
    }

    public int Particles { get; }

    public int Dimensions { get; }

    /// <summary>0.5 (N − 1) D log 2π: add it to an unnormalised NLL to get −log q(x) (DW4: 5.5136).</summary>
    public double GaussianConstant => 0.5 * (Particles - 1) * Dimensions * Math.Log(2 * Math.PI);

    /// <summary>
    /// Unnormalised NLL per row of mean-free x [B, N·D]. <paramref name="adaptive"/>: the evaluation integrator
    /// (no graph); otherwise the training path, differentiable in the parameters.
    /// </summary>
    public abstract Tensor NegativeLogLikelihood(Tensor x, bool adaptive);

    /// <summary>x = g(z) for mean-free prior samples z, with log|det ∂x/∂z| per row (differentiable unless adaptive).</summary>
    public abstract (Tensor X, Tensor LogDetJacobian) Generate(Tensor z, bool adaptive);

    /// <summary>Mean-free prior samples: z_i ~ N(0, I_D) i.i.d., then the centre of mass removed.</summary>
    public Tensor SamplePrior(long count, Generator rng)
    {
        using var scope = NewDisposeScope();
        var dtype = parameters().First().dtype;
        var z = randn([count, Particles * Dimensions], dtype: dtype, generator: rng);
        return ParticleGeometry.RemoveMean(z, Particles, Dimensions).MoveToOuterDisposeScope();
    }

    /// <summary>0.5|z|² per row (the unnormalised negative log prior).</summary>
    protected static Tensor HalfSquaredNorm(Tensor z, Scalar half) => (z * z).sum(1).mul(half);

    public long ParameterCount => parameters().Sum(p => p.numel());
}
