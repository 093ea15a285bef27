using System.Text.Json;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Trials;
using Orchestrator.Protocol;
using Orchestrator.Workloads;

namespace Orchestrator.Grains.Workers;

/// <summary>Turns a leased work item into the trial host's request.</summary>
public static class WorkRequests
{
    /// <summary>Fault injection for tests of crash isolation ("native-abort", "throw"); never a training parameter.</summary>
    public const string FaultParameter = "fault";

    public static TrialHostRequest For(WorkItem item, string requestId, string checkpointPath, string outputDirectory, int threads,
        string? traceParent = null)
    {
        var parameters = item.Trial.Parameters
            .Where(p => p.Key != WorkloadDescriptor.SeedParameter && p.Key != FaultParameter)
            .ToDictionary(p => p.Key, p => Json(p.Value), StringComparer.Ordinal);
        var trialId = $"{item.Sweep}/{item.Trial.ConfigHash}";
        return item.Kind == WorkKind.Train
            ? new TrainRequest(requestId, trialId, item.Workload, parameters, item.Trial.Seed, item.Device, threads, item.Observations,
                checkpointPath, item.CheckpointEvery, outputDirectory, Fault(item), traceParent)
            : new EvaluateRequest(requestId, trialId, item.Workload, parameters, item.Trial.Seed, item.Device, threads, item.Observations,
                checkpointPath, outputDirectory, Fault(item), traceParent);
    }

    private static string? Fault(WorkItem item) =>
        item.Trial.Parameters.TryGetValue(FaultParameter, out var fault) ? fault.ToString() : null;

    private static JsonElement Json(ParamValue value) => value.Kind switch
    {
        ParamKind.Integer => TrialHostJson.Value(value.Integer),
        ParamKind.Number => TrialHostJson.Value(value.Number),
        ParamKind.Bool => TrialHostJson.Value(value.Flag),
        _ => TrialHostJson.Value(value.Text ?? ""),
    };
}
