using System.Diagnostics;
using Orchestrator.Contracts.Specs;
using Orchestrator.Protocol;
using Orchestrator.Workloads;

namespace Orchestrator.Grains.Telemetry;

/// <summary>The tags of a trial attempt's span (the span names and keys are <see cref="OrchestratorTelemetry"/>'s).</summary>
public static class TrialSpanTags
{
    /// <summary>Tags a span with a trial's identity and every parameter (searched values included).</summary>
    public static void Tag(Activity? activity, string sweep, TrialSpec trial, string workload, int attempt)
    {
        if (activity is null)
            return;
        activity.SetTag(OrchestratorTelemetry.Attributes.Sweep, sweep);
        activity.SetTag(OrchestratorTelemetry.Attributes.TrialId, $"{sweep}/{trial.ConfigHash}");
        activity.SetTag(OrchestratorTelemetry.Attributes.Attempt, attempt);
        activity.SetTag(OrchestratorTelemetry.Attributes.Workload, workload);
        activity.SetTag(OrchestratorTelemetry.Attributes.Seed, trial.Seed);
        foreach (var (name, value) in trial.Parameters)
        {
            if (name == WorkloadDescriptor.SeedParameter)
                continue;
            activity.SetTag(OrchestratorTelemetry.Attributes.ParameterPrefix + name, value.ToString());
        }
        if (trial.Parameters.TryGetValue("task", out var task))
            activity.SetTag(OrchestratorTelemetry.Attributes.Task, task.ToString());
        if (trial.Parameters.TryGetValue("budget", out var budget))
            activity.SetTag(OrchestratorTelemetry.Attributes.Budget, budget.ToString());
    }
}
