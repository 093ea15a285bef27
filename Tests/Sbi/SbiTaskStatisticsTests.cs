using Orchestrator.Training.Sbi;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Sbi;

/// <summary>Each simple simulator against its defining distribution and against the sbibm reference data.</summary>
public sealed class SbiTaskStatisticsTests
{
    private static Tensor Repeat(double[] theta, int n) =>
        tensor(theta, ScalarType.Float64).unsqueeze(0).expand(n, theta.Length).contiguous();

    [Fact]
    public void Gaussian_linear_reference_posterior_is_the_exact_one()
    {
        // Posterior N(x_o/2, 0.05 I): mean error sd = sqrt(0.05/1e4) ≈ 0.0022, variance error sd ≈ 0.0007.
        foreach (var k in new[] { 1, 2 })
        {
            var xo = SbiReferenceData.ObservationArray("gaussian_linear", k);
            using var samples = SbiReferenceData.ReferencePosterior("gaussian_linear", k);
            var mean = samples.mean(new long[] { 0 }).data<double>().ToArray();
            var variance = samples.var(0).data<double>().ToArray();
            for (var j = 0; j < 10; j++)
            {
                Assert.Equal(xo[j] / 2, mean[j], 0.012);
                Assert.Equal(0.05, variance[j], 0.004);
            }
        }
    }

    [Fact]
    public void Gaussian_linear_noise_has_variance_one_tenth()
    {
        using var scope = NewDisposeScope();
        var task = new GaussianLinear();
        var rng = new Generator(11);
        var theta = task.SamplePrior(20_000, rng);
        var x = task.Simulate(theta, rng);
        Assert.Equal(0.1, theta.var().item<double>(), 0.003);
        Assert.Equal(0.1, (x - theta).var().item<double>(), 0.003);
        Assert.Equal(0.0, (x - theta).mean().item<double>(), 0.003);
    }

    [Fact]
    public void Two_moons_points_lie_on_a_crescent_of_radius_one_tenth()
    {
        using var scope = NewDisposeScope();
        var theta = new[] { 0.3, -0.7 };
        var x = new TwoMoons().Simulate(Repeat(theta, 20_000), new Generator(3));
        // Undo the θ shift: p = x − (−|θ1+θ2|/√2, (−θ1+θ2)/√2) is the crescent point around (0.25, 0).
        var p0 = x[.., 0] + Math.Abs(theta[0] + theta[1]) / Math.Sqrt(2) - 0.25;
        var p1 = x[.., 1] - (theta[1] - theta[0]) / Math.Sqrt(2);
        var r = (p0.square() + p1.square()).sqrt();
        Assert.Equal(0.1, r.mean().item<double>(), 0.0005);
        Assert.Equal(0.01, r.std().item<double>(), 0.0005);
        Assert.True((p0 >= 0).all().item<bool>()); // angle within (−π/2, π/2)
        var angle = atan2(p1, p0);
        Assert.Equal(Math.PI * Math.PI / 12, angle.var().item<double>(), 0.02); // U(−π/2, π/2)
    }

    [Fact]
    public void Two_moons_reference_posterior_explains_the_observation()
    {
        // For every reference θ, x_o minus the θ shift must sit on the crescent: distance to (0.25, 0) ≈ r ~ N(0.1, 0.01²).
        using var scope = NewDisposeScope();
        var xo = SbiReferenceData.ObservationArray("two_moons", 1);
        var theta = SbiReferenceData.ReferencePosterior("two_moons", 1);
        var t0 = theta[.., 0];
        var t1 = theta[.., 1];
        var p0 = xo[0] + (t0 + t1).abs() / Math.Sqrt(2) - 0.25;
        var p1 = xo[1] - (t1 - t0) / Math.Sqrt(2);
        var r = (p0.square() + p1.square()).sqrt();
        Assert.Equal(0.1, r.mean().item<double>(), 0.003);
        Assert.InRange(r.std().item<double>(), 0.007, 0.013);
        Assert.True((p0 > -0.01).all().item<bool>());

        // And simulating from the reference samples lands close to x_o (the prior predictive spreads ~1 wide).
        var x = new TwoMoons().Simulate(theta, new Generator(9));
        var distance = (x - tensor(xo).unsqueeze(0)).square().sum(1).sqrt().mean().item<double>();
        Assert.InRange(distance, 0.0, 0.15);
    }

    [Fact]
    public void Gaussian_mixture_draws_the_component_per_sample()
    {
        using var scope = NewDisposeScope();
        var task = new GaussianMixture();
        var rng = new Generator(21);
        var theta = task.SamplePrior(40_000, rng);
        var d = task.Simulate(theta, rng) - theta;
        // ½·1 + ½·0.01 = 0.505.
        Assert.Equal(0.505, d.var().item<double>(), 0.02);
        // Narrow rows: both coordinates tiny happens for the 0.1-sd component (½) and rarely for the broad one.
        var narrow = (d.abs().max(1).values < 0.4).to_type(ScalarType.Float64).mean().item<double>();
        Assert.Equal(0.5 + 0.5 * 0.3108 * 0.3108, narrow, 0.015);
    }

    [Fact]
    public void Slcp_draws_have_the_covariance_of_theta()
    {
        using var scope = NewDisposeScope();
        var theta = new[] { 0.5, -1.0, 1.2, -0.8, 0.7 };
        var x = new Slcp().Simulate(Repeat(theta, 20_000), new Generator(4));
        var draws = x.reshape(-1, 2); // 80,000 i.i.d. 2-d draws, (a, b) pairs
        var mean = draws.mean(new long[] { 0 }).data<double>().ToArray();
        Assert.Equal(theta[0], mean[0], 0.02);
        Assert.Equal(theta[1], mean[1], 0.01);
        var centred = draws - draws.mean(new long[] { 0 }, keepdim: true);
        var cov = (matmul(centred.t(), centred) / (draws.shape[0] - 1)).data<double>().ToArray();
        var expected = Slcp.Covariance(theta);
        for (var j = 0; j < 4; j++)
        {
            Assert.Equal(expected[j], cov[j], 0.03 * Math.Abs(expected[0]));
        }
        // The four draws of one row are independent: the correlation of draw 1 and draw 2 is ~0.
        var corr = corrcoef(stack(new[] { x[.., 0], x[.., 2] })).data<double>().ToArray();
        Assert.Equal(0.0, corr[1], 0.03);
    }

    [Fact]
    public void Slcp_distractors_carry_the_slcp_values_at_the_permuted_positions()
    {
        using var scope = NewDisposeScope();
        var perm = SlcpDistractors.Aux.Permutation.data<long>().ToArray();
        var theta = new Slcp().SamplePrior(200, new Generator(1));
        // Same seed: the distractor task draws its 8 slcp values first, from the same stream.
        var plain = new Slcp().Simulate(theta, new Generator(8)).data<double>().ToArray();
        var full = new SlcpDistractors().Simulate(theta, new Generator(8)).data<double>().ToArray();
        var found = 0;
        for (var i = 0; i < 200; i++)
        {
            for (var j = 0; j < 100; j++)
            {
                if (perm[j] < 8)
                {
                    Assert.Equal(plain[i * 8 + perm[j]], full[i * 100 + j]);
                    found++;
                }
            }
        }
        Assert.Equal(200 * 8, found);

        // The published observations follow the same convention: slcp's x_o sits inside slcp_distractors' x_o.
        var xo = SbiReferenceData.ObservationArray("slcp", 1);
        var xoDistractors = SbiReferenceData.ObservationArray("slcp_distractors", 1);
        for (var j = 0; j < 100; j++)
        {
            if (perm[j] < 8)
            {
                Assert.Equal(xo[perm[j]], xoDistractors[j], 1e-5);
            }
        }
    }

    [Fact]
    public void Slcp_distractor_noise_is_heavy_tailed_around_the_mixture_locations()
    {
        using var scope = NewDisposeScope();
        var perm = SlcpDistractors.Aux.Permutation;
        var task = new SlcpDistractors();
        var x = task.Simulate(task.SamplePrior(4000, new Generator(2)), new Generator(3));
        var noiseColumns = nonzero(perm >= 8).squeeze(1);
        var noise = x.index_select(1, noiseColumns);
        var order = perm.index_select(0, noiseColumns) - 8;
        // The mixture median per coordinate is near the mean location of the 20 components.
        var locMean = SlcpDistractors.Aux.Loc.mean(new long[] { 0 }).index_select(0, order);
        var median = noise.sort(0).Values[noise.shape[0] / 2];
        var scale = SlcpDistractors.Aux.Loc.std(0).index_select(0, order);
        Assert.True(((median - locMean).abs() < scale).to_type(ScalarType.Float64).mean().item<double>() > 0.9);
        // Student-t with df 2 has infinite variance: some draws are far out.
        Assert.True(noise.abs().max().item<double>() > 10 * noise.abs().median().item<double>());
    }

    [Fact]
    public void Bernoulli_glm_summary_is_spike_count_and_design_projection()
    {
        using var scope = NewDisposeScope();
        var theta = new BernoulliGlm().SamplePrior(300, new Generator(1));
        var y = new BernoulliGlmRaw().Simulate(theta, new Generator(2));
        var x = new BernoulliGlm().Simulate(theta, new Generator(2));
        Assert.True(((y == 0) | (y == 1)).all().item<bool>());
        Assert.Equal(y.sum(1).data<double>().ToArray(), x[.., 0].data<double>().ToArray());
        Assert.True(((x[.., 0] >= 0) & (x[.., 0] <= 100)).all().item<bool>());
        Assert.True(allclose(matmul(y, BernoulliGlmBase.DesignMatrix), x));

        // The published observations obey x_o = Xᵀ y_o too (design matrix orientation check).
        for (var k = 1; k <= 2; k++)
        {
            var yo = SbiReferenceData.Observation("bernoulli_glm_raw", k);
            var xo = SbiReferenceData.Observation("bernoulli_glm", k);
            Assert.True(allclose(matmul(yo, BernoulliGlmBase.DesignMatrix), xo, rtol: 1e-4, atol: 1e-4));
        }
    }

    [Fact]
    public void Bernoulli_glm_prior_covariance_is_the_inverse_precision()
    {
        using var scope = NewDisposeScope();
        var precision = BernoulliGlmBase.PriorPrecision();
        var covariance = BernoulliGlmBase.PriorCovariance();
        Assert.Equal(0.5, precision[0, 0].item<double>());
        Assert.Equal(2.0, covariance[0, 0].item<double>(), 1e-12);
        Assert.True(allclose(matmul(covariance, precision), eye(10, dtype: ScalarType.Float64), atol: 1e-9));
        // F = D·D + diag(sqrt(i/9)): its (1,1) entry is 1 + sqrt(1/9); FᵀF[8,8] = F[8,8]² = (1 + sqrt(8/9))².
        Assert.Equal(Math.Pow(1 + Math.Sqrt(8.0 / 9), 2), precision[9, 9].item<double>(), 1e-12);

        var samples = new BernoulliGlm().SamplePrior(50_000, new Generator(6));
        var empirical = cov(samples.t());
        var tolerance = 0.03 * covariance.diagonal().max().item<double>();
        Assert.True((empirical - covariance).abs().max().item<double>() < tolerance);
    }
}
