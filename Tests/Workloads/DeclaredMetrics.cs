using Orchestrator.Protocol;
using Orchestrator.Workloads;

namespace Orchestrator.Tests.Workloads;

/// <summary>Checks that a workload reports metrics only under the names its descriptor declares, in the declared scope.</summary>
public static class DeclaredMetrics
{
    public static void AssertDeclared(WorkloadDescriptor workload, IEnumerable<TrialHostEvent> events)
    {
        var epoch = workload.EpochMetrics.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var final = workload.FinalMetrics.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e is Epoch { Metrics: var perEpoch })
                Assert.Subset(epoch, perEpoch.Keys.ToHashSet(StringComparer.Ordinal));
            if (e is Completed { Summary.Metrics: var atEnd })
            {
                Assert.Subset(final, atEnd.Keys.ToHashSet(StringComparer.Ordinal));
                Assert.Contains(workload.PrimaryMetric.Name, atEnd.Keys);
            }
        }
    }
}
