using Orchestrator.Training.Boltzmann;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Boltzmann;

/// <summary>Importance-sampling equilibrium numbers (a second, chain-free route to the statistics of spec §2).</summary>
public sealed class EquilibriumReferenceTests
{
    [Fact]
    public void Gaussian_target_gives_the_analytic_partition_function()
    {
        // A "system" with U = 0.5|x|²: Z on the (N−1)·D subspace is (2π)^((N−1)D/2), so log Z = LogNormaliser.
        var reference = EquilibriumReference.Compute(new HarmonicCluster(), 200_000, sigma: 1.3, seed: 1, chunk: 50_000);
        Assert.Equal(MeanFreeGaussian.LogNormaliser(new HarmonicCluster()), reference.LogZ.Value, 0.02);
        Assert.True(reference.LogZ.StandardError < 0.01);
        Assert.Equal(3.0, reference.EnergyMean.Value, 0.05);
        Assert.Equal(1.0, reference.ShortPairShares.Sum(s => s.Value), 9);
    }

    [Fact]
    public void Dw4_equilibrium_energy_matches_the_shipped_data_and_the_exact_nll_sits_near_the_published_one()
    {
        var dw4 = new DoubleWell4();
        var reference = EquilibriumReference.Compute(dw4, 1_000_000, sigma: 2.2, seed: 2);
        using var scope = NewDisposeScope();
        var test = BoltzmannData.Load(dw4, "test").to(ScalarType.Float64);
        double meanEnergy;
        using (no_grad())
            meanEnergy = dw4.Energy(test).mean().item<double>();
        Assert.Equal(-22.50, reference.EnergyMean.Value, 0.2);
        // The exact NLL of the test split: the floor of every model (FFF paper 1.68, E-NF 1.72).
        Assert.InRange(reference.UnnormalisedNll(meanEnergy, dw4), 1.55, 1.80);
    }

    /// <summary>Four particles in 2D with U = 0.5 Σ|x_i − x̄|² only.</summary>
    private sealed class HarmonicCluster : IParticleSystem
    {
        public string Name => "harmonic";
        public int ParticleCount => 4;
        public int Dimensions => 2;

        public Tensor Energy(Tensor x)
        {
            using var scope = NewDisposeScope();
            var centred = ParticleGeometry.RemoveMean(x, 4, 2);
            using var half = 0.5.ToScalar();
            return (centred * centred).sum(1).mul(half).MoveToOuterDisposeScope();
        }
    }
}
