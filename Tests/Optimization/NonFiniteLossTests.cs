using Orchestrator.Training.Flows;
using Orchestrator.Training.Optimization;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Optimization;

[Collection(DefaultGeneratorCollection.Name)]
public sealed class NonFiniteLossTests
{
    [Fact]
    public void A_run_whose_loss_stays_non_finite_fails_with_a_reason_after_counting_skipped_batches()
    {
        manual_seed(5);
        var flow = FreeFormFlow.Create("resnet-s", dim: 2, conditionDim: 2, identityInit: false);
        using var data = new Generator(3);
        var x = randn([256, 2], generator: data);
        var theta = randn([256, 2], generator: data);
        // An absurd learning rate blows the weights up within a few steps; every later batch is non-finite.
        var options = new TrainingOptions { Epochs = 50, BatchSize = 32, LearningRate = 1e12, MaxConsecutiveNonFinite = 5 };
        using var trainer = new FlowTrainer(flow, theta[..224], x[..224], theta[224..], x[224..], options, new Generator(1));

        var error = Assert.Throws<TrainingFailedException>(() => trainer.Run());

        Assert.Contains("not finite in 5 consecutive batches", error.Message);
        Assert.True(trainer.SkippedBatches >= 5);
        Assert.True(trainer.EpochsDone < 50);
    }
}
