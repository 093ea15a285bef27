using Orchestrator.Training.Boltzmann;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Boltzmann;

/// <summary>The shipped splits: reader, centring, and the equipartition identity that fixes the LJ convention.</summary>
public sealed class BoltzmannDataTests
{
    /// <summary>LJ with the halved (unordered) pair sum, the convention other codebases use.</summary>
    private sealed class HalvedLennardJones(LennardJones inner) : IParticleSystem
    {
        public string Name => inner.Name + "-halved";
        public int ParticleCount => inner.ParticleCount;
        public int Dimensions => inner.Dimensions;
        public Tensor Energy(Tensor x) => inner.PairEnergy(x) + inner.HarmonicEnergy(x);
    }

    [Fact]
    public void Dw4_test_split_is_read_with_its_shape_and_centred()
    {
        using var scope = NewDisposeScope();
        var system = new DoubleWell4();
        var raw = NpyFile.Read(BoltzmannData.PathOf(system, "test"));
        Assert.Equal(new long[] { 10_000, 8 }, raw.shape);
        // Stored with the centre of mass: the raw centres are not zero, the loaded ones are.
        Assert.True(ParticleGeometry.CentreOfMass(raw, 4, 2).abs().max().item<float>() > 0.1f);
        var x = BoltzmannData.Load(system, "test");
        Assert.True(ParticleGeometry.CentreOfMass(x, 4, 2).abs().max().item<float>() < 1e-5f);
        // Centring only translates: every pair distance survives.
        var before = ParticleGeometry.SquaredPairDistances(raw, 4, 2);
        var after = ParticleGeometry.SquaredPairDistances(x, 4, 2);
        Assert.True((before - after).abs().max().item<float>() < 1e-3f);
    }

    [Fact]
    public void Dw4_test_split_energy_matches_the_reference_statistics()
    {
        using var scope = NewDisposeScope();
        var u = new DoubleWell4().Energy(BoltzmannData.Load(new DoubleWell4(), "test").to(ScalarType.Float64));
        Assert.Equal(-22.50, u.mean().item<double>(), 0.1);
        Assert.Equal(1.89, u.std().item<double>(), 0.1);
    }

    [Fact]
    public void Equipartition_gives_kT_one_on_the_shipped_test_splits_only_with_the_ordered_lj_sum()
    {
        using var scope = NewDisposeScope();
        var dw4 = BoltzmannData.Load(new DoubleWell4(), "test");
        Assert.InRange(new DoubleWell4().EquipartitionTemperature(dw4), 0.97, 1.03);
        var lj13 = BoltzmannData.Load(LennardJones.Lj13, "test", limit: 4000);
        var ordered = LennardJones.Lj13.EquipartitionTemperature(lj13);
        var halved = new HalvedLennardJones(LennardJones.Lj13).EquipartitionTemperature(lj13);
        Assert.InRange(ordered, 0.95, 1.03);
        Assert.InRange(halved, 0.4, 0.6);
    }

    [Fact]
    public void Npy_written_then_read_gives_the_same_array()
    {
        using var scope = NewDisposeScope();
        var path = Path.Combine(Path.GetTempPath(), $"npy-{Guid.NewGuid():N}.npy");
        try
        {
            var x = randn(new long[] { 37, 39 }, generator: new Generator(3));
            NpyFile.Write(path, x);
            var back = NpyFile.Read(path);
            Assert.Equal(x.shape, back.shape);
            Assert.True(x.equal(back).all().item<bool>());
            Assert.Equal(0, (new FileInfo(path).Length - 37 * 39 * 4) % 64);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
