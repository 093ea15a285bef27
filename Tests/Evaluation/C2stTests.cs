using Orchestrator.Training.Evaluation;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Evaluation;

public sealed class C2stTests
{
    [Fact]
    public void Identical_distributions_score_one_half()
    {
        using var scope = NewDisposeScope();
        var (x, y) = C2stBenchmark.Samples(dim: 2, n: 2000, different: false, seed: 11);

        var score = C2st.Score(x, y);

        Assert.InRange(score, 0.48, 0.52);
    }

    [Fact]
    public void Clearly_shifted_distributions_score_above_095()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        var x = randn([1000, 3], dtype: ScalarType.Float64, generator: generator);
        var y = randn([1000, 3], dtype: ScalarType.Float64, generator: generator) + 3.0;

        var result = C2st.Run(x, y);

        Assert.True(result.Accuracy > 0.95, $"accuracy {result.Accuracy}");
        Assert.Equal(5, result.Folds.Count);
        Assert.All(result.Folds, f => Assert.Equal(400, f.TestSize));
    }

    [Fact]
    public void Same_seed_gives_the_same_score_and_float32_input_is_accepted()
    {
        using var scope = NewDisposeScope();
        var (x, y) = C2stBenchmark.Samples(dim: 2, n: 800, different: true, seed: 3);

        // The same values once as float64 and once as float32 (float32 input is rounded, so compare like with like).
        var (x32, y32) = (x.to(ScalarType.Float32), y.to(ScalarType.Float32));
        var first = C2st.Run(x32.to(ScalarType.Float64), y32.to(ScalarType.Float64), new C2stOptions { Seed = 7 });
        var second = C2st.Run(x32, y32, new C2stOptions { Seed = 7 });

        Assert.Equal(first.Accuracy, second.Accuracy);
        Assert.Equal(first.Folds.Select(f => f.Epochs), second.Folds.Select(f => f.Epochs));
    }

    [Fact]
    public void The_exact_sklearn_protocol_is_selectable_and_deterministic()
    {
        using var scope = NewDisposeScope();
        var (x, y) = C2stBenchmark.Samples(dim: 2, n: 600, different: true, seed: 4);
        var exact = new C2stOptions { Protocol = C2stProtocol.Exact };

        var first = C2st.Run(x, y, exact);
        var second = C2st.Run(x, y, exact);
        var fast = C2st.Run(x, y);

        Assert.Equal(first.Accuracy, second.Accuracy);
        Assert.Equal(first.Folds.Select(f => f.Epochs), second.Folds.Select(f => f.Epochs));
        // Different regimes (batch 200 vs the whole training set), similar answers.
        Assert.NotEqual(first.Folds.Select(f => f.Epochs), fast.Folds.Select(f => f.Epochs));
        Assert.InRange(Math.Abs(first.Accuracy - fast.Accuracy), 0, 0.03);
    }

    [Fact]
    public void Uneven_folds_and_small_samples_are_handled()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(9);
        // 203 + 199 = 402 samples: folds of 81 and 80, training sets below one batch of 200 and uneven.
        var x = randn([203, 2], dtype: ScalarType.Float64, generator: generator);
        var y = randn([199, 2], dtype: ScalarType.Float64, generator: generator) + 4.0;

        var result = C2st.Run(x, y);

        Assert.Equal(new[] { 81, 81, 80, 80, 80 }, result.Folds.Select(f => f.TestSize));
        Assert.True(result.Accuracy > 0.95, $"accuracy {result.Accuracy}");
    }

    [Fact]
    public void Mismatched_or_non_finite_samples_are_rejected()
    {
        using var scope = NewDisposeScope();
        var x = randn(50, 2);
        Assert.Throws<ArgumentException>(() => C2st.Score(x, randn(50, 3)));
        var bad = randn(50, 2);
        bad[0, 0] = float.NaN;
        Assert.Throws<ArgumentException>(() => C2st.Score(x, bad));
    }

    [Fact]
    public void KFold_split_partitions_every_index_once()
    {
        var split = KFoldSplit.Create(23, 5, 1);
        Assert.Equal(new[] { 5, 5, 5, 4, 4 }, split.Test.Select(t => t.Length));
        Assert.Equal(Enumerable.Range(0, 23).Select(i => (long)i), split.Test.SelectMany(t => t).Order());
        for (var f = 0; f < 5; f++)
            Assert.Equal(Enumerable.Range(0, 23).Select(i => (long)i).Except(split.Test[f]), split.Train[f]);
    }
}
