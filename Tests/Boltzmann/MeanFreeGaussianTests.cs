using Orchestrator.Training.Boltzmann;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Boltzmann;

/// <summary>The mean-free prior and the two NLL conventions of spec §3.</summary>
public sealed class MeanFreeGaussianTests
{
    [Fact]
    public void Samples_are_mean_free_with_variance_one_minus_one_over_n()
    {
        using var scope = NewDisposeScope();
        var z = MeanFreeGaussian.Sample(LennardJones.Lj13, 20_000, new Generator(1), ScalarType.Float64);
        Assert.True(ParticleGeometry.CentreOfMass(z, 13, 3).abs().max().item<double>() < 1e-12);
        Assert.Equal(12.0 / 13, z.var(0).mean().item<double>(), 0.01);
    }

    [Fact]
    public void Identity_generator_gives_the_analytic_nll_of_the_mean_free_gaussian()
    {
        // With zero coordinate heads both maps are the identity: NLL = 0.5|x|² (log det = 0), whose mean over the
        // prior is (N−1)D/2 unnormalised and (N−1)D/2 · (1 + log 2π) normalised (the entropy).
        using var scope = NewDisposeScope();
        var system = new DoubleWell4();
        using var generator = new BoltzmannGenerator(system, blocks: 2, hidden: 8);
        generator.Flow.to(ScalarType.Float64);
        using (no_grad())
        {
            foreach (var (name, p) in generator.Flow.named_parameters())
                if (p.shape is [1, 8])
                    p.zero_();
        }
        var x = MeanFreeGaussian.Sample(system, 20_000, new Generator(2), ScalarType.Float64);
        var nll = generator.UnnormalisedNll(x);
        Assert.True((nll - MeanFreeGaussian.UnnormalisedNll(x)).abs().max().item<double>() < 1e-9);
        Assert.Equal(3.0, nll.mean().item<double>(), 0.05);
        Assert.Equal(5.5136, MeanFreeGaussian.LogNormaliser(system), 4);
        Assert.Equal(3 * (1 + Math.Log(2 * Math.PI)), nll.mean().item<double>() + MeanFreeGaussian.LogNormaliser(system), 0.05);
        Assert.Equal(33.0818, MeanFreeGaussian.LogNormaliser(LennardJones.Lj13), 4);
        Assert.Equal(148.868, MeanFreeGaussian.LogNormaliser(LennardJones.Lj55), 3);
    }
}
