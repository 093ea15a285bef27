using Orchestrator.Training.Boltzmann;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>
/// A minimal Metropolis sampler at kT = 1 (spec §2): isotropic Gaussian proposals on all coordinates, every chain
/// a row of the batch. Kept small on purpose: the generalisation experiment needs one short, correlated trajectory.
/// </summary>
public static class MetropolisTrajectory
{
    /// <summary>The chain states after each <paramref name="thin"/>-th of <paramref name="steps"/> steps, mean-free: [steps / thin, chains, N·D], and the acceptance rate.</summary>
    public static (Tensor Samples, double Acceptance) Run(IParticleSystem system, Tensor start, int steps, double stepSize, int thin, Generator rng)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var scale = stepSize.ToScalar();
        var x = start.detach().clone();
        var energy = system.Energy(x);
        var kept = new List<Tensor>();
        long accepted = 0;
        for (var step = 1; step <= steps; step++)
        {
            using var stepScope = NewDisposeScope();
            var proposal = x + randn(x.shape, dtype: x.dtype, generator: rng).mul_(scale);
            var proposalEnergy = system.Energy(proposal);
            // Accept with probability min(1, exp(−ΔU)): log u < −ΔU.
            var accept = rand(energy.shape, dtype: x.dtype, generator: rng).log_() < (energy - proposalEnergy);
            accepted += accept.sum().ToInt64();
            x.copy_(where(accept.unsqueeze(1), proposal, x));
            energy.copy_(where(accept, proposalEnergy, energy));
            if (step % thin == 0)
                kept.Add(ParticleGeometry.RemoveMean(x, system.ParticleCount, system.Dimensions).MoveToOuterDisposeScope());
        }
        var acceptance = (double)accepted / ((long)steps * x.shape[0]);
        return (stack(kept, 0).MoveToOuterDisposeScope(), acceptance);
    }
}
