using Orchestrator.Training.Boltzmann;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>
/// The non-equivariant baseline Boltzmann generator: RealNVP affine couplings on the (N−1)·D coordinates of the
/// mean-free subspace (<see cref="MeanFreeBasis"/>), prior N(0, I). Translation-invariant by construction, but
/// neither rotation- nor permutation-equivariant.
/// </summary>
public sealed class RealNvpGenerator : BoltzmannFlow
{
    private readonly TorchSharp.Modules.ModuleList<AffineCoupling> _couplings;
    private readonly Tensor _basis;

    public RealNvpGenerator(IParticleSystem system, int couplings, int hidden, Generator rng)
        : base("realnvp_generator", system)
    {
        var (particles, dimensions) = (system.ParticleCount, system.Dimensions);
        if (couplings < 1 || hidden < 1)
            throw new ArgumentException("RealNVP needs at least one coupling and one hidden unit.");
        var subspace = (particles - 1) * dimensions;
        _couplings = nn.ModuleList(Enumerable.Range(0, couplings).Select(_ => new AffineCoupling(subspace, hidden, rng)).ToArray());
        _basis = MeanFreeBasis.Create(particles, dimensions, float64);
        register_module("couplings", _couplings);
        register_buffer("basis", _basis);
    }

    public override Tensor NegativeLogLikelihood(Tensor x, bool adaptive)
    {
        using var scope = NewDisposeScope();
        using var _ = adaptive ? no_grad() : null;
        var y = x.matmul(_basis);
        var logDet = zeros(x.shape[0], dtype: x.dtype, device: x.device);
        foreach (var coupling in _couplings)
        {
            var (next, term) = coupling.Forward(y);
            y = next;
            logDet = logDet + term;
        }
        return (MeanFreeGaussian.UnnormalisedNll(y) - logDet).MoveToOuterDisposeScope();
    }

    public override (Tensor X, Tensor LogDetJacobian) Generate(Tensor z, bool adaptive)
    {
        using var scope = NewDisposeScope();
        using var _ = adaptive ? no_grad() : null;
        var y = z.matmul(_basis);
        var logDet = zeros(z.shape[0], dtype: z.dtype, device: z.device);
        foreach (var coupling in _couplings.Reverse())
        {
            var (previous, term) = coupling.Inverse(y);
            y = previous;
            logDet = logDet + term;
        }
        return (y.matmul(_basis.t()).MoveToOuterDisposeScope(), logDet.MoveToOuterDisposeScope());
    }
}
