using Orchestrator.Training.Boltzmann;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>
/// A flow Boltzmann generator on the mean-free subspace Σ_i x_i = 0 of N particles in D dimensions (spec §3): a
/// bijection between the mean-free Gaussian prior z (<see cref="MeanFreeGaussian"/>) and configurations x, with an
/// exact log-determinant. Likelihoods are UNNORMALISED as in the published tables, NLL(x) = 0.5|z|² − log|det ∂z/∂x|;
/// <see cref="GaussianConstant"/> normalises them.
/// </summary>
public abstract class BoltzmannFlow : nn.Module
{
    protected BoltzmannFlow(string name, IParticleSystem system) : base(name)
    {
        System = system;
    }

    public IParticleSystem System { get; }

    /// <summary>0.5 (N − 1) D log 2π: add it to an unnormalised NLL to get −log q(x) (DW4: 5.5136).</summary>
    public double GaussianConstant => MeanFreeGaussian.LogNormaliser(System);

    /// <summary>
    /// Unnormalised NLL per row of mean-free x [B, N·D]. <paramref name="adaptive"/>: the evaluation integrator
    /// (no graph); otherwise the training path, differentiable in the parameters.
    /// </summary>
    public abstract Tensor NegativeLogLikelihood(Tensor x, bool adaptive);

    /// <summary>x = g(z) for mean-free prior samples z, with log|det ∂x/∂z| per row (differentiable unless adaptive).</summary>
    public abstract (Tensor X, Tensor LogDetJacobian) Generate(Tensor z, bool adaptive);

    /// <summary>Mean-free prior samples in the model's dtype.</summary>
    public Tensor SamplePrior(long count, Generator rng) =>
        MeanFreeGaussian.Sample(System, count, rng, parameters().First().dtype);

    public long ParameterCount => parameters().Sum(p => p.numel());
}
