using Orchestrator.Training.Workloads;
using Orchestrator.Workloads;

namespace Orchestrator.Tests.Workloads;

/// <summary>A label means one thing: every table, bar and report column that shows it shows the same metric.</summary>
public sealed class MetricLabelTests
{
    public static TheoryData<string> Workloads() => new(BuiltInWorkloads.All.Select(w => w.Descriptor.Name));

    [Theory]
    [MemberData(nameof(Workloads))]
    public void No_two_different_metrics_of_a_workload_share_a_label(string workload)
    {
        var metrics = BuiltInWorkloads.Get(workload).Descriptor.Metrics;

        // The same metric may be reported per epoch and at the end under one label (skipped batches); a per-epoch NLL on
        // z-scored data and a final NLL in the data's units are different metrics and must not both read "val NLL".
        foreach (var label in metrics.GroupBy(m => m.Label))
            Assert.True(label.Select(m => (m.Name, m.Help)).Distinct().Count() == 1,
                $"{workload}: '{label.Key}' labels {string.Join(" and ", label.Select(m => $"{m.Name} ({m.Scope}: {m.Help})"))}");
    }
}
