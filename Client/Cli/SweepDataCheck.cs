using Orchestrator.Contracts.Specs;
using Orchestrator.Training.Workloads;

namespace Orchestrator.Client.Cli;

/// <summary>Checks, before a silo starts, that the data every trial of a sweep reads is present (one line if not).</summary>
public static class SweepDataCheck
{
    public static void Require(SweepSpec spec)
    {
        var workload = BuiltInWorkloads.Get(spec.Workload);
        // Seeds share their data: one check per configuration group.
        foreach (var trial in SweepExpander.Expand(spec, BuiltInWorkloads.Registry).Trials.DistinctBy(t => t.GroupHash))
            workload.RequireData(trial.Parameters, spec.Evaluation.Observations);
    }
}
