using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Protocol;
using Orchestrator.Training.Workloads;
using Orchestrator.Workloads;

namespace Orchestrator.Tests.Workloads;

/// <summary>
/// A test workload that plugs in through its descriptor alone: gradient descent on (x − target)² from x₀ = seed, one
/// step per epoch, so every number it reports is known in closed form: x after n steps is
/// target + (seed − target)(1 − 2·lr)ⁿ. The trial host loads it with <c>--workloads Orchestrator.Tests.dll</c>.
/// </summary>
public sealed class QuadraticWorkload : IWorkload
{
    public const string Name = "quadratic";

    public static WorkloadDescriptor Definition { get; } = new(Name, "gradient descent on (x − target)² from x₀ = seed",
    [
        new ParameterDefinition("target", ParamKind.Number, "minimum of the quadratic") { Min = -10, Max = 10, Default = ParamValue.Of(1.0) },
        new ParameterDefinition("lr", ParamKind.Number, "step size") { Min = 0, MinExclusive = true, Max = 0.5, MaxExclusive = true, Default = ParamValue.Of(0.25) },
        new ParameterDefinition("epochs", ParamKind.Integer, "steps") { Min = 1, Max = 1000, Default = ParamValue.Of(3L) },
        new ParameterDefinition("mode", ParamKind.String, "unused choice, to test string parameters") { Allowed = ["plain", "fancy"], Default = ParamValue.Of("plain") },
        new ParameterDefinition("verbose", ParamKind.Bool, "unused flag, to test bool parameters") { Default = ParamValue.Of(false) },
    ],
    [
        new MetricDefinition("loss", "(x − target)² after the last step", MetricGoal.Minimize, MetricScope.Final),
        new MetricDefinition("trainLoss", "(x − target)² after the epoch's step", MetricGoal.Minimize, MetricScope.Epoch),
    ]);

    public WorkloadDescriptor Descriptor => Definition;

    /// <summary>The loss after <paramref name="epochs"/> steps, in closed form.</summary>
    public static double ExpectedLoss(double target, double lr, int epochs, long seed) =>
        Math.Pow((seed - target) * Math.Pow(1 - 2 * lr, epochs), 2);

    public Completed Train(TrainRequest request, Action<TrialHostEvent> events, CancellationToken cancellation)
    {
        var total = Stopwatch.StartNew();
        var parameters = new WorkloadParameters(Definition, request.Parameters);
        var (target, lr, epochs) = (parameters.Number("target"), parameters.Number("lr"), parameters.Int32("epochs"));
        var (done, x) = File.Exists(request.CheckpointPath)
            ? JsonSerializer.Deserialize<(int, double)>(File.ReadAllText(request.CheckpointPath), Json)
            : (0, (double)request.Seed);
        if (done > 0)
            events(new Resumed(request.RequestId, done));
        for (var epoch = done + 1; epoch <= epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            x -= lr * 2 * (x - target);
            var loss = (x - target) * (x - target);
            events(new Epoch(request.RequestId, epoch, epochs, new Dictionary<string, double> { ["trainLoss"] = loss }));
            if (epoch % request.CheckpointEvery == 0 || epoch == epochs)
            {
                // Atomically, as the real workloads' checkpoint store: the worker may be uploading the previous one.
                File.WriteAllText(request.CheckpointPath + ".tmp", JsonSerializer.Serialize((epoch, x), Json));
                File.Move(request.CheckpointPath + ".tmp", request.CheckpointPath, overwrite: true);
                events(new CheckpointSaved(request.RequestId, epoch, request.CheckpointPath));
            }
        }
        return Finish(request.RequestId, request.TrialId, (x - target) * (x - target), request.Observations, request.OutputDirectory, done, total, events);
    }

    public Completed Evaluate(EvaluateRequest request, Action<TrialHostEvent> events, CancellationToken cancellation)
    {
        var parameters = new WorkloadParameters(Definition, request.Parameters);
        var (_, x) = JsonSerializer.Deserialize<(int, double)>(File.ReadAllText(request.CheckpointPath), Json);
        var target = parameters.Number("target");
        return Finish(request.RequestId, request.TrialId, (x - target) * (x - target), request.Observations, request.OutputDirectory, 0,
            Stopwatch.StartNew(), events);
    }

    // Every observation scores the final loss (the primary metric).
    private static Completed Finish(string requestId, string trialId, double loss, IReadOnlyList<int> observations, string output,
        int resumedFrom, Stopwatch total, Action<TrialHostEvent> events)
    {
        Directory.CreateDirectory(output);
        var scores = new List<EvaluatedObservation>();
        foreach (var observation in observations)
        {
            var samples = Path.Combine(output, $"samples_obs{observation}.csv");
            File.WriteAllText(samples, "x\n");
            scores.Add(new EvaluatedObservation(observation, loss, 1, samples));
            events(new Evaluated(requestId, observation, loss, 1, samples));
        }
        var resultPath = Path.Combine(output, "result.json");
        File.WriteAllText(resultPath, JsonSerializer.Serialize(new { loss }));
        var seconds = total.Elapsed.TotalSeconds;
        var summary = new TrialSummary(new Dictionary<string, double> { ["loss"] = loss }, scores, resumedFrom,
            new TrialTimingsSummary(0, seconds, 0, 0, 0, seconds));
        return new Completed(requestId, trialId, summary, resultPath);
    }

    private static readonly JsonSerializerOptions Json = new() { IncludeFields = true };
}
