using Orchestrator.Training.Flows;
using Orchestrator.Training.Optimization;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Optimization;

[Collection(DefaultGeneratorCollection.Name)]
public sealed class CheckpointResumeTests
{
    private static readonly TrainingOptions Options = new() { Epochs = 4, BatchSize = 64, Beta = 10, LearningRate = 1e-3 };

    private static (FreeFormFlow Flow, FlowTrainer Trainer) NewRun(int initSeed)
    {
        manual_seed(initSeed);
        var flow = FreeFormFlow.Create("resnet-s", dim: 2, conditionDim: 3, identityInit: true);
        using var data = new Generator(42);
        var x = randn([320, 3], generator: data);
        var theta = x[.., ..2] * 0.5 + 0.1 * randn([320, 2], generator: data);
        var trainer = new FlowTrainer(flow, theta[..256], x[..256], theta[256..], x[256..], Options, new Generator(9));
        return (flow, trainer);
    }

    [Fact]
    public void Resuming_from_a_checkpoint_equals_an_uninterrupted_run()
    {
        var (straightFlow, straight) = NewRun(initSeed: 1);
        var straightHistory = new List<EpochProgress>();
        straight.Run(straightHistory.Add);

        var (firstFlow, first) = NewRun(initSeed: 1);
        using var checkpoint = new MemoryStream();
        using var stop = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => first.Run(p =>
        {
            if (p.Epoch != 2)
                return;
            first.SaveCheckpoint(checkpoint);
            stop.Cancel(); // the run "dies" after epoch 2
        }, stop.Token));
        checkpoint.Position = 0;
        var (resumedFlow, resumed) = NewRun(initSeed: 99); // different init: everything must come from the checkpoint
        resumed.LoadCheckpoint(checkpoint);
        var resumedHistory = new List<EpochProgress>();
        resumed.Run(resumedHistory.Add);

        Assert.Equal([3, 4], resumedHistory.Select(p => p.Epoch));
        // The trainer's record keeps the epochs before the checkpoint: a resumed run reports its whole history.
        Assert.Equal(straightHistory.Select(p => p.ValidationNll), resumed.History.Select(p => p.ValidationNll));
        Assert.Equal(straightHistory[3].ValidationNll, resumedHistory[1].ValidationNll);
        Assert.Equal(straightHistory[3].TrainLoss, resumedHistory[1].TrainLoss);
        foreach (var (a, b) in straightFlow.parameters().Zip(resumedFlow.parameters()))
            Assert.True(a.eq(b).all().item<bool>(), "parameters differ after resume");
        _ = firstFlow;
    }

    [Fact]
    public void Training_lowers_the_validation_nll()
    {
        var (_, trainer) = NewRun(initSeed: 3);
        var history = new List<EpochProgress>();
        trainer.Run(history.Add);
        Assert.True(history[^1].ValidationNll < history[0].ValidationNll - 0.1,
            $"validation NLL went from {history[0].ValidationNll:F3} to {history[^1].ValidationNll:F3}");
        Assert.All(history, p => Assert.True(p.StepSeconds > 0 && p.LearningRate > 0));
    }
}
