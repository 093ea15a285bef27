using System.Text.Json;
using Orchestrator.Protocol;

namespace Orchestrator.Tests.TrialHost;

/// <summary>Tiny fff-sbi requests (two_moons, budget 200, batch 64, 500 posterior samples) in a temporary folder.</summary>
public sealed class TrialHostRequests : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "orchestrator-trialhost-tests", Guid.NewGuid().ToString("N"));

    public static Dictionary<string, JsonElement> Parameters(int epochs) => new()
    {
        ["task"] = TrialHostJson.Value("two_moons"),
        ["budget"] = TrialHostJson.Value(200),
        ["epochs"] = TrialHostJson.Value(epochs),
        ["batchSize"] = TrialHostJson.Value(64),
        ["posteriorSamples"] = TrialHostJson.Value(500),
    };

    /// <summary>A Train request whose checkpoint and outputs live under <see cref="Root"/>/<paramref name="name"/>.</summary>
    public TrainRequest Train(string name, int epochs = 2, int[]? observations = null, int checkpointEvery = 1, string? fault = null) =>
        new(RequestId: name + "-" + Guid.NewGuid().ToString("N")[..8], TrialId: name, Workload: "fff-sbi", Parameters: Parameters(epochs),
            Seed: 1, Device: "cpu", Threads: 1, Observations: observations ?? [1], CheckpointPath: CheckpointPath(name),
            CheckpointEvery: checkpointEvery, OutputDirectory: Path.Combine(Root, name), Fault: fault);

    public EvaluateRequest Evaluate(string trainedName, string name, int epochs, int[] observations) =>
        new(RequestId: name + "-" + Guid.NewGuid().ToString("N")[..8], TrialId: trainedName, Workload: "fff-sbi", Parameters: Parameters(epochs),
            Seed: 1, Device: "cpu", Threads: 1, Observations: observations, CheckpointPath: CheckpointPath(trainedName),
            OutputDirectory: Path.Combine(Root, name));

    public string CheckpointPath(string name) => Path.Combine(Root, name, "checkpoint.bin");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
