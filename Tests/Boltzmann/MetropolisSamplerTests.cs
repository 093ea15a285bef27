using Orchestrator.Training.Boltzmann;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Boltzmann;

/// <summary>A short vectorised Metropolis run on DW4 (a few seconds) and the dataset check against spec §2.</summary>
public sealed class MetropolisSamplerTests
{
    private static readonly MetropolisOptions Short = new() { Chains = 1_000, BurnIn = 2_000, Thin = 10, Seed = 4 };

    [Fact]
    public void Short_dw4_run_is_tuned_mean_free_and_at_kT_one()
    {
        using var scope = NewDisposeScope();
        var system = new DoubleWell4();
        var (samples, run) = MetropolisSampler.Sample(system, 3_000, Short);
        Assert.Equal(new long[] { 3_000, 8 }, samples.shape);
        Assert.InRange(run.AcceptanceRate, 0.3, 0.5);
        Assert.True(ParticleGeometry.CentreOfMass(samples, 4, 2).abs().max().ToDouble() < 1e-5);
        var stats = DatasetStatistics.Of(system, samples);
        // Energies equilibrate fast; the split between 2- and 4-short-pair states needs a much longer burn-in.
        Assert.Equal(-22.50, stats.EnergyMean, 0.3);
        Assert.Equal(1.89, stats.EnergyStd, 0.15);
        Assert.InRange(stats.EquipartitionKt, 0.95, 1.05);
    }

    [Fact]
    public void Same_seed_gives_the_same_samples()
    {
        using var scope = NewDisposeScope();
        var options = Short with { Chains = 50, BurnIn = 200 };
        var (first, _) = MetropolisSampler.Sample(LennardJones.Lj13, 100, options);
        var (second, _) = MetropolisSampler.Sample(LennardJones.Lj13, 100, options);
        Assert.True(first.equal(second).all().ToBoolean());
        Assert.True(((first - MetropolisSampler.Sample(LennardJones.Lj13, 100, options with { Seed = 5 }).Samples).abs().max().ToDouble()) > 0.1);
    }

    [Fact]
    public void Chains_started_from_data_run_one_per_row_and_stay_at_the_data_energy()
    {
        using var scope = NewDisposeScope();
        var system = new DoubleWell4();
        var start = BoltzmannData.Load(system, "test", limit: 2_000) + 5.0; // off-centre: the sampler re-centres
        var (samples, run) = MetropolisSampler.Sample(system, 2_000, Short with { BurnIn = 200 }, start: start);
        Assert.Equal(new long[] { 2_000, 8 }, samples.shape);
        Assert.Equal(200 + 10, run.Steps);
        Assert.True(ParticleGeometry.CentreOfMass(samples, 4, 2).abs().max().ToDouble() < 1e-5);
        Assert.Equal(-22.50, DatasetStatistics.Of(system, samples).EnergyMean, 0.3);
    }

    [Fact]
    public void Shipped_test_splits_pass_the_check_and_a_stretched_copy_fails()
    {
        using var scope = NewDisposeScope();
        foreach (var (system, rows) in new (IParticleSystem, int)[] { (new DoubleWell4(), 10_000), (LennardJones.Lj13, 3_000) })
        {
            var x = BoltzmannData.Load(system, "test", limit: rows);
            var check = DatasetCheck.Check(system, DatasetStatistics.Of(system, x));
            Assert.All(check, r => Assert.True(r.Pass, $"{system.Name} {r.Quantity}: {r.Measured} vs {r.Reference}"));
        }
        var dw4 = new DoubleWell4();
        var stretched = DatasetCheck.Check(dw4, DatasetStatistics.Of(dw4, BoltzmannData.Load(dw4, "test") * 1.03));
        Assert.Contains(stretched, r => !r.Pass && r.Quantity == "equipartition kT");
        Assert.Contains(stretched, r => !r.Pass && r.Quantity == "mean pair distance");
    }
}
