namespace Orchestrator.Silo.TrialHost;

/// <summary>The workloads a trial host can run, by name; later workloads plug in here.</summary>
public sealed class WorkloadRegistry(IEnumerable<IWorkloadRunner> runners)
{
    private readonly Dictionary<string, IWorkloadRunner> _runners = runners.ToDictionary(r => r.Name, StringComparer.Ordinal);

    public static WorkloadRegistry Default { get; } = new([new FffSbiWorkload()]);

    public IReadOnlyCollection<string> Names => _runners.Keys;

    public IWorkloadRunner Get(string name) =>
        _runners.TryGetValue(name, out var runner)
            ? runner
            : throw new InvalidTrialRequestException($"Workload '{name}' is not known: expected one of {string.Join(", ", _runners.Keys)}.");
}
