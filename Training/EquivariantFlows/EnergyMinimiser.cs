using Orchestrator.Training.Boltzmann;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>
/// Steepest descent on U for a batch of configurations, each coordinate's step clipped so that far-out samples of a
/// quartic energy do not overshoot. Used to map sampled states to the metastable state (local minimum) they belong to.
/// </summary>
public static class EnergyMinimiser
{
    /// <summary>Minimised configurations (mean-free) and the largest remaining force per row.</summary>
    public static (Tensor X, Tensor MaxForce) Minimise(IParticleSystem system, Tensor x, int iterations = 3000, double stepSize = 0.01, double maxStep = 0.1)
    {
        using var scope = NewDisposeScope();
        using var step = stepSize.ToScalar();
        using var low = (-maxStep).ToScalar();
        using var high = maxStep.ToScalar();
        var current = x.detach().clone();
        for (var i = 0; i < iterations; i++)
        {
            using var iterationScope = NewDisposeScope();
            var force = system.Forces(current);
            current.add_(force.mul(step).clamp_(low, high));
        }
        var finalForce = system.Forces(current).abs().amax([1]);
        return (ParticleGeometry.RemoveMean(current, system.ParticleCount, system.Dimensions).MoveToOuterDisposeScope(),
            finalForce.MoveToOuterDisposeScope());
    }
}
