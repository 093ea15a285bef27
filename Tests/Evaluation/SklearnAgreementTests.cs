using Orchestrator.Training.Evaluation;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Evaluation;

/// <summary>
/// Runs the real scikit-learn C2ST (Debian's /usr/bin/python3 with python3-sklearn) on fixed sample pairs and
/// requires our C2ST's default (fast, large-batch) protocol to agree within 0.02. A machine without
/// python3-sklearn fails these tests on purpose.
/// </summary>
public sealed class SklearnAgreementTests
{
    // Near-identical pairs use 5,000 vs 5,000: the accuracy of a chance-level classifier on 2n held-out points
    // has a standard deviation of 0.5/√(2n), so with 2,000 vs 2,000 two independent runs differ by ~0.011 (1σ)
    // and the 0.02 bound would be only ~1.8σ.
    [Theory]
    [InlineData(false, 5000)]
    [InlineData(true, 2000)]
    public void Our_c2st_agrees_with_sklearn_on_2d_pairs(bool different, int n)
    {
        using var scope = NewDisposeScope();
        var (x, y) = C2stBenchmark.Samples(dim: 2, n: n, different: false, seed: 21);
        if (different)
        {
            // Moderately different (accuracy ≈ 0.63): a smaller difference than the benchmark's pair.
            var (_, other) = C2stBenchmark.Samples(dim: 2, n: n, different: false, seed: 22);
            y = other.mul(1.1).add(0.6);
        }

        var ours = C2st.Score(x, y);
        var sklearn = SklearnC2st.Run(x, y);

        Assert.True(Math.Abs(ours - sklearn.Accuracy) <= 0.02, $"ours {ours:F4}, sklearn {sklearn.Accuracy:F4}");
        if (different)
            Assert.InRange(sklearn.Accuracy, 0.6, 0.85);
        else
            Assert.InRange(sklearn.Accuracy, 0.47, 0.53);
    }

    // sbibm's size (10,000 vs 10,000) on held-out 2-d pairs whose C2ST lies between 0.6 and 0.7, where the fast protocol
    // was seen to drift from sklearn by up to 0.035 (issue 10). Measured here: |ours − sklearn| = 0.0014 and 0.0003; on
    // posterior-shaped pairs (gaussian_mixture and sir references widened ×1.3: 0.62, 0.61) 0.0035 and 0.003.
    [Theory]
    [InlineData(31, 1.1, 0.5)]
    [InlineData(33, 1.0, 0.6)]
    public void Our_c2st_agrees_with_sklearn_at_the_benchmark_size_on_2d_pairs_near_0_6_to_0_7(int seed, double scale, double shift)
    {
        using var scope = NewDisposeScope();
        var (x, _) = C2stBenchmark.Samples(dim: 2, n: 10_000, different: false, seed: seed);
        var (_, other) = C2stBenchmark.Samples(dim: 2, n: 10_000, different: false, seed: seed + 100);
        var y = other.mul(scale).add(shift);

        var ours = C2st.Score(x, y);
        var sklearn = SklearnC2st.Run(x, y).Accuracy;

        Assert.InRange(sklearn, 0.6, 0.7);
        Assert.True(Math.Abs(ours - sklearn) <= 0.02, $"ours {ours:F4}, sklearn {sklearn:F4}");
    }

    [Fact]
    public void A_missing_interpreter_is_a_clear_error()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<InvalidOperationException>(() => SklearnC2st.Run(randn(20, 2), randn(20, 2), python: "/nonexistent/python3"));
        Assert.Contains("python3-sklearn", error.Message);
    }

    [Fact]
    public void The_reference_script_is_embedded()
    {
        Assert.Contains("MLPClassifier", SklearnC2st.ReadScript());
    }
}
