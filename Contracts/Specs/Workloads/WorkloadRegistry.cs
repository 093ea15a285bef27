using System.Collections.Concurrent;

namespace Orchestrator.Contracts.Specs;

/// <summary>
/// The workloads specs may name. <see cref="Default"/> holds the built-in ones (fff-sbi); a host registers more
/// at start-up, and parsing, validation and expansion pick them up without other changes.
/// </summary>
public sealed class WorkloadRegistry
{
    private readonly ConcurrentDictionary<string, IWorkloadDefinition> _workloads = new(StringComparer.Ordinal);

    /// <summary>The shared registry with the built-in workloads; used where no registry is passed.</summary>
    public static WorkloadRegistry Default { get; } = CreateDefault();

    /// <summary>A new registry holding the built-in workloads.</summary>
    public static WorkloadRegistry CreateDefault()
    {
        var registry = new WorkloadRegistry();
        registry.Register(FffSbiWorkload.Instance);
        return registry;
    }

    public IReadOnlyList<string> Names => _workloads.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Adds a workload, or replaces the one with the same name.</summary>
    public void Register(IWorkloadDefinition workload)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workload.Name);
        _workloads[workload.Name] = workload;
    }

    public bool TryGet(string name, out IWorkloadDefinition workload) => _workloads.TryGetValue(name, out workload!);

    /// <summary>The workload of that name; for an unknown one a <see cref="SpecValidationException"/> at path <c>workload</c>.</summary>
    public IWorkloadDefinition Get(string name) => TryGet(name, out var workload)
        ? workload
        : throw new SpecValidationException([new SpecError("workload", UnknownMessage(name))]);

    /// <summary>"unknown workload 'x'; known workloads: fff-sbi".</summary>
    public string UnknownMessage(string name)
    {
        var hint = Suggestions.Closest(name, Names) is { } guess ? $" (did you mean '{guess}'?)" : "";
        return $"unknown workload '{name}'{hint}; known workloads: {string.Join(", ", Names)}";
    }
}
