using Orchestrator.Training.Optimization;
using Orchestrator.Training.Trials;

namespace Orchestrator.Tests.Trials;

/// <summary>A short but real trial: simulate, train, sample, C2ST against the shared reference posterior.</summary>
public sealed class TrialRunnerTests
{
    private static TrialConfig ShortTwoMoons => new()
    {
        Task = "two_moons",
        Budget = 1000,
        Seed = 1,
        Observations = [1],
        PosteriorSamples = 2000,
        Training = new TrainingOptions { Epochs = 40, BatchSize = 32, Beta = 25, LearningRate = 1e-3 },
    };

    [Fact]
    public void A_short_two_moons_training_beats_the_c2st_bound()
    {
        var progress = new List<TrialProgress>();
        var result = TrialRunner.Run(ShortTwoMoons, progress.Add);

        // An untrained flow scores ~1.0 (fully separable); 40 epochs on 1,000 simulations must do clearly better.
        Assert.True(result.MeanC2st < 0.90, $"C2ST {result.MeanC2st:F3} on observation 1");
        Assert.True(double.IsFinite(result.ValidationNll) && double.IsFinite(result.ValidationNllEncoder));
        Assert.True(result.ValidationReconstruction < 0.05, $"reconstruction {result.ValidationReconstruction:G3}");
        Assert.Equal(0, result.SkippedBatches);
        Assert.Equal(40, result.History.Count);
        Assert.Equal(2000, result.Observations[0].Samples.Count);
        Assert.Equal(40, progress.OfType<TrialProgress.Epoch>().Count());
        Assert.Single(progress.OfType<TrialProgress.Evaluated>());
    }
}
