namespace Orchestrator.Workloads;

/// <summary>
/// The workloads specs may name, by name. Hosts build it from their workload list (Training's
/// <c>BuiltInWorkloads.Registry</c>, plus test workloads in tests) and hand it to spec validation and the silo.
/// </summary>
public sealed class WorkloadRegistry
{
    private readonly Dictionary<string, WorkloadDescriptor> _workloads;

    public WorkloadRegistry(IEnumerable<WorkloadDescriptor> workloads)
    {
        _workloads = new Dictionary<string, WorkloadDescriptor>(StringComparer.Ordinal);
        foreach (var workload in workloads)
        {
            if (!_workloads.TryAdd(workload.Name, workload))
                throw new ArgumentException($"Two workloads are named '{workload.Name}'.");
        }
    }

    public IReadOnlyList<string> Names => _workloads.Keys.Order(StringComparer.Ordinal).ToList();

    public IReadOnlyCollection<WorkloadDescriptor> All => _workloads.Values;

    public bool TryGet(string name, out WorkloadDescriptor workload) => _workloads.TryGetValue(name, out workload!);

    /// <summary>The workload of that name; an <see cref="ArgumentException"/> with <see cref="UnknownMessage"/> otherwise.</summary>
    public WorkloadDescriptor Get(string name) => TryGet(name, out var workload) ? workload : throw new ArgumentException(UnknownMessage(name));

    /// <summary>A registry with these workloads and one more (tests add theirs to the built-in ones).</summary>
    public WorkloadRegistry With(WorkloadDescriptor workload) => new([.. _workloads.Values, workload]);

    /// <summary>"unknown workload 'x'; known workloads: fff-sbi".</summary>
    public string UnknownMessage(string name)
    {
        var hint = Suggestions.Closest(name, Names) is { } guess ? $" (did you mean '{guess}'?)" : "";
        return $"unknown workload '{name}'{hint}; known workloads: {string.Join(", ", Names)}";
    }
}
