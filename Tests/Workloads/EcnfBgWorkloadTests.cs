using System.Text.Json;
using Orchestrator.Protocol;
using Orchestrator.Training.Workloads;
using Orchestrator.Training.Workloads.EcnfBg;

namespace Orchestrator.Tests.Workloads;

public sealed class EcnfBgWorkloadTests
{
    private static TrainRequest Request(string model, string folder, string device = "cpu") => new(
        "r1", "t1", EcnfBgDescriptor.Name,
        new Dictionary<string, JsonElement>
        {
            [EcnfBgDescriptor.Model] = TrialHostJson.Value(model),
            [EcnfBgDescriptor.MlEpochs] = TrialHostJson.Value(2),
            [EcnfBgDescriptor.MixEpochs] = TrialHostJson.Value(1),
            [EcnfBgDescriptor.TrainSize] = TrialHostJson.Value(128),
            [EcnfBgDescriptor.TestSize] = TrialHostJson.Value(128),
            [EcnfBgDescriptor.EssSamples] = TrialHostJson.Value(128),
        },
        Seed: 4, Device: device, Threads: 1, Observations: [1, 2], CheckpointPath: Path.Combine(folder, "checkpoint.bin"),
        CheckpointEvery: 1, OutputDirectory: Path.Combine(folder, "out"));

    [Theory]
    [InlineData("ecnf")]
    [InlineData("realnvp")]
    public void A_trial_trains_checkpoints_scores_and_resumes_to_the_same_result(string model)
    {
        var folder = Directory.CreateTempSubdirectory("ecnf-bg-").FullName;
        try
        {
            var workload = BuiltInWorkloads.Get(EcnfBgDescriptor.Name);
            var events = new List<TrialHostEvent>();
            var done = workload.Train(Request(model, folder), events.Add, CancellationToken.None);

            Assert.Equal([1, 2, 3], events.OfType<Epoch>().Select(e => e.EpochNumber));
            DeclaredMetrics.AssertDeclared(workload.Descriptor, [.. events, done]);
            Assert.Equal(3, events.OfType<CheckpointSaved>().Count());
            Assert.All(events.OfType<Epoch>(), e => Assert.True(double.IsFinite(e["trainLoss"]) && double.IsFinite(e["valNll"])));
            Assert.Empty(done.Summary.Observations);
            Assert.Equal(["ess", "testNll"], done.Summary.Metrics.Keys.Order());
            Assert.InRange(done.Summary["testNll"], -5, 20);
            using (var result = JsonDocument.Parse(File.ReadAllText(done.ResultPath)))
                Assert.InRange(result.RootElement.GetProperty("ess").GetDouble(), 1e-6, 1);

            var again = new List<TrialHostEvent>();
            var resumed = workload.Train(Request(model, folder), again.Add, CancellationToken.None);
            Assert.Equal(3, Assert.Single(again.OfType<Resumed>()).EpochsDone);
            Assert.Empty(again.OfType<Epoch>());
            Assert.Equal(done.Summary["testNll"], resumed.Summary["testNll"]);

            var request = Request(model, folder);
            var evaluated = workload.Evaluate(new EvaluateRequest("r2", "t1", EcnfBgDescriptor.Name, request.Parameters, request.Seed, "cpu", 1,
                [1], request.CheckpointPath, request.OutputDirectory), _ => { }, CancellationToken.None);
            Assert.Equal(done.Summary["testNll"], evaluated.Summary["testNll"]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_cuda_request_is_refused_with_a_reason()
    {
        var workload = BuiltInWorkloads.Get(EcnfBgDescriptor.Name);
        var error = Assert.Throws<InvalidTrialRequestException>(() =>
            workload.Train(Request("ecnf", Path.GetTempPath(), device: "cuda"), _ => { }, CancellationToken.None));
        Assert.Contains("CPU", error.Message);
    }
}
