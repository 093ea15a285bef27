using Orchestrator.Contracts.Specs;
using Orchestrator.Training.Sbi;

namespace Orchestrator.Client.Cli;

/// <summary>Checks, before a silo starts, that the data every trial of a sweep reads is present (one line if not).</summary>
public static class SweepDataCheck
{
    public static void Require(SweepSpec spec)
    {
        var tasks = SweepExpander.Expand(spec).Trials
            .Where(t => t.Workload == "fff-sbi" && t.Parameters.TryGetValue("task", out _))
            .Select(t => t.Parameters["task"].AsString())
            .Distinct(StringComparer.Ordinal);
        foreach (var task in tasks)
            SbiDataCheck.Require(task, spec.Evaluation.Observations);
    }
}
