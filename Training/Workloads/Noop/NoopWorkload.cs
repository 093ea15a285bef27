using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Protocol;
using Orchestrator.Workloads;

namespace Orchestrator.Training.Workloads.Noop;

/// <summary>
/// "noop": a trial that sleeps <c>sleep</c> seconds and reports a fixed value, so the orchestrator's own per-trial cost
/// through the real path (lease, trial-host request, result upload, report) can be measured apart from training. Hidden:
/// the trial host runs it (<see cref="BuiltInWorkloads.Hidden"/>), but specs name it only where a registry includes it
/// (<c>bench scheduler</c>, tests), never on a user's silo or in examples.
/// </summary>
public sealed class NoopWorkload : IWorkload
{
    public const string Name = "noop";

    public static WorkloadDescriptor Definition { get; } = new(Name, "sleeps, then reports a value fixed by n and the seed (orchestrator measurements only)",
    [
        new ParameterDefinition("n", ParamKind.Integer, "any number: a grid over it makes as many distinct trials") { Min = 0, Max = int.MaxValue, Default = ParamValue.Of(0L) },
        new ParameterDefinition("sleep", ParamKind.Number, "seconds the trial sleeps (cancellable)") { Min = 0, Max = 3600, Default = ParamValue.Of(0.0) },
    ],
    [
        new MetricDefinition("value", "a number in [0, 1) fixed by n and the seed", MetricGoal.Minimize, MetricScope.Final),
    ]);

    public WorkloadDescriptor Descriptor => Definition;

    /// <summary>The value a trial reports: in [0, 1), from n and the seed (so rankings are checkable).</summary>
    public static double ValueOf(long n, long seed) => (ulong)(n * 2654435761L + seed * 40503L) % 1_000_003UL / 1_000_003.0;

    public Completed Train(TrainRequest request, Action<TrialHostEvent> events, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var parameters = new WorkloadParameters(Definition, request.Parameters);
        var sleep = parameters.Number("sleep");
        if (sleep > 0 && cancellation.WaitHandle.WaitOne(TimeSpan.FromSeconds(sleep)))
            throw new OperationCanceledException(cancellation);
        var value = ValueOf(parameters.Integer("n"), request.Seed);
        // A result file like a real trial's: the worker uploads it, which is part of the per-trial cost measured.
        Directory.CreateDirectory(request.OutputDirectory);
        var resultPath = Path.Combine(request.OutputDirectory, "result.json");
        File.WriteAllText(resultPath, JsonSerializer.Serialize(new { value }));
        var seconds = clock.Elapsed.TotalSeconds;
        var summary = new TrialSummary(new Dictionary<string, double> { ["value"] = value }, [], 0, new TrialTimingsSummary(0, seconds, 0, 0, 0, seconds));
        return new Completed(request.RequestId, request.TrialId, summary, resultPath);
    }

    public Completed Evaluate(EvaluateRequest request, Action<TrialHostEvent> events, CancellationToken cancellation) =>
        throw new InvalidTrialRequestException("the noop workload has no evaluation shards (use evaluation.shards: 1).");
}
