using Orchestrator.Tests.Workloads;
using System.Text.Json;
using Orchestrator.Protocol;
using Orchestrator.Training.Workloads;
using Orchestrator.Training.Workloads.FffBg;

namespace Orchestrator.Tests.Boltzmann;

/// <summary>The fff-bg workload through its descriptor: train with checkpoints, then evaluate the finished checkpoint.</summary>
public sealed class FffBgWorkloadTests
{
    private static Dictionary<string, JsonElement> Parameters(params (string Name, object Value)[] values) =>
        values.ToDictionary(v => v.Name, v => JsonSerializer.SerializeToElement(v.Value));

    [Fact]
    public void Tiny_dw4_trial_trains_checkpoints_and_evaluates_the_same_test_nll_again()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"fff-bg-{Guid.NewGuid():N}");
        try
        {
            var workload = BuiltInWorkloads.Get(FffBgDescriptor.Name);
            var parameters = Parameters((FffBgDescriptor.Blocks, 1), (FffBgDescriptor.Hidden, 8), (FffBgDescriptor.Epochs, 2),
                (FffBgDescriptor.BatchSize, 64), (FffBgDescriptor.TrainSize, 256), (FffBgDescriptor.ValidationSize, 50),
                (FffBgDescriptor.TestSize, 200), (FffBgDescriptor.Samples, 200));
            var checkpoint = Path.Combine(folder, "checkpoint.bin");
            var events = new List<TrialHostEvent>();
            var trained = workload.Train(new TrainRequest("r1", "t1", FffBgDescriptor.Name, parameters, 1, "cpu", 1, [1], checkpoint, 1,
                Path.Combine(folder, "train")), events.Add, CancellationToken.None);

            Assert.Equal(2, events.OfType<Epoch>().Count());
            DeclaredMetrics.AssertDeclared(workload.Descriptor, [.. events, trained]);
            Assert.Equal(2, events.OfType<CheckpointSaved>().Count());
            var score = Assert.Single(events.OfType<Evaluated>());
            Assert.Equal(trained.Summary[FffBgDescriptor.TestNll], score.Score);
            Assert.InRange(score.Score, 5, 20); // barely trained: near the untrained ≈ 12
            Assert.True(File.Exists(trained.ResultPath));

            var evaluated = workload.Evaluate(new EvaluateRequest("r2", "t1", FffBgDescriptor.Name, parameters, 1, "cpu", 1, [1], checkpoint,
                Path.Combine(folder, "eval")), _ => { }, CancellationToken.None);
            Assert.Equal(trained.Summary[FffBgDescriptor.TestNll], evaluated.Summary[FffBgDescriptor.TestNll], 6);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }
}
