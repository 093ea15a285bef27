using Orchestrator.Training.Workloads.FffSbi;
using Orchestrator.Workloads;

namespace Orchestrator.Training.Workloads;

/// <summary>The workloads this installation runs: one line per workload. The silo, the trial host and the CLI read this list.</summary>
public static class BuiltInWorkloads
{
    public static IReadOnlyList<IWorkload> All { get; } =
    [
        new FffSbiWorkload(),
    ];

    /// <summary>Their descriptors, for spec validation and expansion.</summary>
    public static WorkloadRegistry Registry { get; } = new(All.Select(w => w.Descriptor));
}
