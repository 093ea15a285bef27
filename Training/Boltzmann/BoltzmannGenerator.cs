using Orchestrator.Training.Autodiff;
using Orchestrator.Training.Flows;
using Orchestrator.Training.Networks.Equivariant;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Boltzmann;

/// <summary>
/// An E(n)-equivariant free-form flow as a Boltzmann generator: encoder f and decoder g are two independent
/// <see cref="EquivariantGraphNetwork"/>s on flat configurations [B, N·D] and the latent is the mean-free Gaussian.
/// Both maps keep the centre of mass, so the full N·D Jacobian's log-det equals the mean-free one (spec §3).
/// </summary>
public sealed class BoltzmannGenerator : IDisposable
{
    public BoltzmannGenerator(IParticleSystem system, int blocks, int hidden)
    {
        System = system;
        var dim = system.ParticleCount * system.Dimensions;
        Flow = new FreeFormFlow(
            new EquivariantGraphNetwork(system.ParticleCount, system.Dimensions, blocks, hidden),
            new EquivariantGraphNetwork(system.ParticleCount, system.Dimensions, blocks, hidden), dim);
    }

    public IParticleSystem System { get; }

    /// <summary>The encoder/decoder pair, trained with <see cref="Optimization.FlowTrainer"/> (no condition: zero columns).</summary>
    public FreeFormFlow Flow { get; }

    /// <summary>The empty condition the unconditional networks take: [rows, 0].</summary>
    public static Tensor NoCondition(long rows, Device device) => zeros([rows, 0], device: device);

    /// <summary>z = f(x).</summary>
    public Tensor Encode(Tensor x)
    {
        using var condition = NoCondition(x.shape[0], x.device);
        return Flow.Encode(x, condition);
    }

    /// <summary>x = g(z).</summary>
    public Tensor Decode(Tensor z)
    {
        using var condition = NoCondition(z.shape[0], z.device);
        return Flow.Decode(z, condition);
    }

    /// <summary>
    /// Exact unnormalised NLL per row of mean-free x (the published convention), with the decoder Jacobian at z = f(x):
    /// 0.5 |z|² + log|det J_g(z)|. Add <see cref="MeanFreeGaussian.LogNormaliser"/> for the normalised value.
    /// </summary>
    public Tensor UnnormalisedNll(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor z;
        using (no_grad())
            z = Encode(x);
        return (MeanFreeGaussian.UnnormalisedNll(z).to(ScalarType.Float64) + DecoderLogAbsDet(z)).MoveToOuterDisposeScope();
    }

    /// <summary>n samples x = g(z), z mean-free Gaussian, with their exact log q(x) (normalised, float64).</summary>
    public (Tensor X, Tensor LogQ) SampleWithLogDensity(long n, Generator rng)
    {
        using var scope = NewDisposeScope();
        var z = MeanFreeGaussian.Sample(System, n, rng, device: rng.device);
        Tensor x;
        using (no_grad())
            x = Decode(z);
        var logQ = MeanFreeGaussian.LogProb(System, z).to(ScalarType.Float64) - DecoderLogAbsDet(z);
        return (x.MoveToOuterDisposeScope(), logQ.MoveToOuterDisposeScope());
    }

    /// <summary>n samples x = g(z): one decoder evaluation per sample, no Jacobian.</summary>
    public Tensor Sample(long n, Generator rng)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return Decode(MeanFreeGaussian.Sample(System, n, rng, device: rng.device)).MoveToOuterDisposeScope();
    }

    /// <summary>log|det J_g(z)| per row (N·D reverse passes, slogdet in float64).</summary>
    public Tensor DecoderLogAbsDet(Tensor z)
    {
        using var scope = NewDisposeScope();
        var input = z.detach().requires_grad_(true);
        Tensor jacobian;
        using (enable_grad())
            jacobian = SafeGrad.BatchJacobian(Decode(input), input);
        var (_, logAbsDet) = linalg.slogdet(jacobian.to(ScalarType.Float64));
        return logAbsDet.MoveToOuterDisposeScope();
    }

    public void Dispose() => Flow.Dispose();
}
