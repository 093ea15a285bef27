using Orchestrator.Tests.Workloads;
using System.Text.Json;
using Orchestrator.Protocol;
using Orchestrator.Training.Workloads;
using Orchestrator.Training.Workloads.SmoothFlow;

namespace Orchestrator.Tests.SmoothFlows;

public sealed class SmoothFlowWorkloadTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "orchestrator-smooth-flow-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void Resumed_training_ends_with_the_uninterrupted_result()
    {
        var workload = BuiltInWorkloads.Get(SmoothFlowDescriptor.Name);
        var uninterrupted = workload.Train(Request("straight"), _ => { }, CancellationToken.None);

        using var stop = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => workload.Train(Request("interrupted"), e =>
        {
            if (e is CheckpointSaved { EpochNumber: 1 })
                stop.Cancel();
        }, stop.Token));
        var events = new List<TrialHostEvent>();
        var resumed = workload.Train(Request("interrupted"), events.Add, CancellationToken.None);

        Assert.Equal(1, events.OfType<Resumed>().Single().EpochsDone);
        Assert.Equal([2, 3], events.OfType<Epoch>().Select(e => e.EpochNumber));
        DeclaredMetrics.AssertDeclared(workload.Descriptor, [.. events, resumed]);
        Assert.Equal(uninterrupted.Summary.Metrics, resumed.Summary.Metrics);
        Assert.Equal(uninterrupted.Summary[SmoothFlowDescriptor.ForceRmse], resumed.Summary[SmoothFlowDescriptor.ForceRmse]);
        Assert.True(uninterrupted.Summary[SmoothFlowDescriptor.ForceRmse] > 0);
        using var result = JsonDocument.Parse(File.ReadAllText(resumed.ResultPath));
        Assert.True(result.RootElement.GetProperty("maxForceJump").GetDouble() > 0);
    }

    private TrainRequest Request(string name) => new(
        RequestId: name + Guid.NewGuid().ToString("N")[..6], TrialId: name, Workload: SmoothFlowDescriptor.Name,
        Parameters: new Dictionary<string, JsonElement>
        {
            [SmoothFlowDescriptor.Toy] = TrialHostJson.Value("periodic"),
            [SmoothFlowDescriptor.Components] = TrialHostJson.Value(4),
            [SmoothFlowDescriptor.Hidden] = TrialHostJson.Value(8),
            [SmoothFlowDescriptor.BatchSize] = TrialHostJson.Value(64),
            [SmoothFlowDescriptor.Epochs] = TrialHostJson.Value(3),
            [SmoothFlowDescriptor.IterationsPerEpoch] = TrialHostJson.Value(3),
            [SmoothFlowDescriptor.FmWeight] = TrialHostJson.Value(1e-4),
            [SmoothFlowDescriptor.WalkersGrid] = TrialHostJson.Value(10),
            [SmoothFlowDescriptor.NveSteps] = TrialHostJson.Value(20),
        },
        Seed: 3, Device: "cpu", Threads: 1, Observations: [1], CheckpointPath: Path.Combine(_root, name, "checkpoint.bin"),
        CheckpointEvery: 1, OutputDirectory: Path.Combine(_root, name));

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }
}
