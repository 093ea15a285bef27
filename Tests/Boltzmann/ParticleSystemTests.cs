using Orchestrator.Training.Boltzmann;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Boltzmann;

/// <summary>Energies and forces of DW4 and LJ against hand-computed values (spec §1 conventions).</summary>
public sealed class ParticleSystemTests
{
    private static Tensor Row(params double[] values) => tensor(values, ScalarType.Float64).unsqueeze(0);

    [Fact]
    public void Dw4_square_of_side_four_has_only_the_diagonal_pairs_off_the_barrier()
    {
        // Sides d = 4 contribute 0; the two diagonals d = 4√2: 2·[0.9 a⁴ − 4 a²], a = 4√2 − 4.
        using var x = Row(0, 0, 4, 0, 4, 4, 0, 4);
        Assert.Equal(-8.396642530754047, new DoubleWell4().Energy(x).item<double>(), 10);
    }

    [Fact]
    public void Dw4_forces_are_the_sum_of_pair_forces()
    {
        using var scope = NewDisposeScope();
        var positions = new[] { 0.3, -1.2, 2.9, 0.4, -1.7, 2.2, 1.1, 3.8 };
        var expected = new double[8];
        for (var i = 0; i < 4; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                if (i == j)
                    continue;
                var dx = positions[2 * i] - positions[2 * j];
                var dy = positions[2 * i + 1] - positions[2 * j + 1];
                var d = Math.Sqrt(dx * dx + dy * dy);
                // φ(d) = 0.9 (d−4)⁴ − 4 (d−4)²; F_i = −Σ_j φ'(d) (x_i − x_j)/d.
                var derivative = 3.6 * Math.Pow(d - 4, 3) - 8 * (d - 4);
                expected[2 * i] -= derivative * dx / d;
                expected[2 * i + 1] -= derivative * dy / d;
            }
        }
        var forces = new DoubleWell4().Forces(Row(positions)).data<double>().ToArray();
        for (var k = 0; k < 8; k++)
            Assert.Equal(expected[k], forces[k], 10);
    }

    [Fact]
    public void Lj_pair_at_unit_distance_sums_ordered_pairs_plus_the_harmonic_term()
    {
        // r² = 1 + 1e-6: unordered LJ ≈ −1, ordered (the data's convention) ≈ −2; harmonic 0.5·(0.25 + 0.25).
        var system = new LennardJones(2);
        using var x = Row(0, 0, 0, 1, 0, 0);
        Assert.Equal(-0.999999999991, system.PairEnergy(x).item<double>(), 11);
        Assert.Equal(0.25, system.HarmonicEnergy(x).item<double>(), 12);
        Assert.Equal(-1.749999999982, system.Energy(x).item<double>(), 11);
        var forces = system.Forces(x).data<double>().ToArray();
        // Harmonic pull −(x_i − x̄) = ±0.5 plus twice the tiny LJ force just past the minimum.
        Assert.Equal(0.5000719995680106, forces[0], 9);
        Assert.Equal(-0.5000719995680106, forces[3], 9);
        Assert.Equal(0.0, forces[1], 12);
    }

    [Fact]
    public void Lj13_forces_match_central_differences_of_the_energy()
    {
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 1, 39 }, ScalarType.Float64, generator: new Generator(5)) * 1.2;
        var forces = LennardJones.Lj13.Forces(x);
        const double h = 1e-6;
        foreach (var k in new[] { 0, 7, 20, 38 })
        {
            var step = zeros_like(x);
            step[0, k] = h;
            var numeric = -(LennardJones.Lj13.Energy(x + step) - LennardJones.Lj13.Energy(x - step)).item<double>() / (2 * h);
            var analytic = forces[0, k].item<double>();
            Assert.Equal(numeric, analytic, Math.Max(1e-5, 1e-6 * Math.Abs(analytic)));
        }
    }

    [Fact]
    public void Systems_are_found_by_name_and_report_their_shape()
    {
        Assert.Equal((4, 2), (ParticleSystems.Get("dw4").ParticleCount, ParticleSystems.Get("DW4").Dimensions));
        Assert.Equal((13, 3), (ParticleSystems.Get("lj13").ParticleCount, ParticleSystems.Get("lj13").Dimensions));
        Assert.Equal(55, ParticleSystems.Get("lj55").ParticleCount);
        Assert.Throws<ArgumentException>(() => ParticleSystems.Get("lj38"));
    }
}
