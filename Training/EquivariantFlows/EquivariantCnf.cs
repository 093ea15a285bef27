using Orchestrator.Training.Boltzmann;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>
/// The equivariant Boltzmann generator of "Equivariant Flows" (spec §5): the radial-kernel field transports the
/// prior at t = 0 to configurations at t = 1. Training integrates with fixed-step RK4 (backpropagated through the
/// steps); evaluation with adaptive Dormand–Prince.
/// </summary>
public sealed class EquivariantCnf : BoltzmannFlow
{
    private readonly RadialVelocityField _field;

    public EquivariantCnf(IParticleSystem system, EcnfOptions options, Generator rng)
        : base("equivariant_cnf", system)
    {
        options.Validate();
        Options = options;
        _field = new RadialVelocityField(system.ParticleCount, system.Dimensions, options, float64, rng);
        register_module("field", _field);
    }

    public EcnfOptions Options { get; }

    public RadialVelocityField Field => _field;

    /// <summary>Integrates x from t = 1 back to the prior at t = 0: NLL = 0.5|z|² − ∫_0^1 div v dt.</summary>
    public override Tensor NegativeLogLikelihood(Tensor x, bool adaptive)
    {
        using var scope = NewDisposeScope();
        var (z, integral) = Integrate(x, 1, 0, adaptive);
        // integral = ∫_1^0 div v dt = −log|det ∂x/∂z| = log|det ∂z/∂x|.
        return (MeanFreeGaussian.UnnormalisedNll(z) - integral).MoveToOuterDisposeScope();
    }

    public override (Tensor X, Tensor LogDetJacobian) Generate(Tensor z, bool adaptive) => Integrate(z, 0, 1, adaptive);

    private (Tensor, Tensor) Integrate(Tensor x, double from, double to, bool adaptive)
    {
        if (!adaptive)
            return Rk4Integrator.Integrate(_field, x, from, to, Options.Rk4Steps);
        using var _ = no_grad();
        var solution = AdaptiveIntegrator.Integrate(_field, x, from, to, Options.RelativeTolerance, Options.AbsoluteTolerance);
        LastAdaptiveSteps = solution.Steps;
        return (solution.X, solution.IntegratedDivergence);
    }

    /// <summary>Accepted Dormand–Prince steps of the last adaptive integration (for cost reports).</summary>
    public int LastAdaptiveSteps { get; private set; }
}
