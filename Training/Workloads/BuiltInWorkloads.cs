using Orchestrator.Training.Workloads.EcnfBg;
using Orchestrator.Training.Workloads.FffBg;
using Orchestrator.Training.Workloads.FffSbi;
using Orchestrator.Training.Workloads.Noop;
using Orchestrator.Training.Workloads.SmoothFlow;
using Orchestrator.Workloads;

namespace Orchestrator.Training.Workloads;

/// <summary>The workloads this installation runs: one line per workload. The silo, the trial host and the CLI read this list.</summary>
public static class BuiltInWorkloads
{
    public static IReadOnlyList<IWorkload> All { get; } =
    [
        new FffSbiWorkload(),
        new EcnfBgWorkload(),
        new FffBgWorkload(),
        new SmoothFlowWorkload(),
    ];

    /// <summary>
    /// Workloads the trial host runs but no user's silo accepts in a spec (not in <see cref="Registry"/>): the no-op
    /// workload that measures the orchestrator itself (<c>bench scheduler</c>, tests register it with <see cref="WithHidden"/>).
    /// </summary>
    public static IReadOnlyList<IWorkload> Hidden { get; } = [new NoopWorkload()];

    /// <summary>The registry plus the hidden workloads, for measurements and tests.</summary>
    public static WorkloadRegistry WithHidden { get; } = new(All.Concat(Hidden).Select(w => w.Descriptor));

    /// <summary>Their descriptors, for spec validation and expansion.</summary>
    public static WorkloadRegistry Registry { get; } = new(All.Select(w => w.Descriptor));

    /// <summary>The data check of the built-in workload of that name (null for another workload), for submit-time checks.</summary>
    public static Action<IReadOnlyDictionary<string, ParamValue>, IReadOnlyList<int>>? RequireDataOf(string name) =>
        All.FirstOrDefault(w => w.Descriptor.Name == name) is { } workload ? workload.RequireData : null;

    /// <summary>The built-in workload of that name; an <see cref="ArgumentException"/> listing the known ones otherwise.</summary>
    public static IWorkload Get(string name) =>
        All.FirstOrDefault(w => w.Descriptor.Name == name) ?? throw new ArgumentException(Registry.UnknownMessage(name));
}
