using System.Reflection;
using Orchestrator.Training.Workloads;

namespace Orchestrator.TrialHost;

/// <summary>
/// The workloads this trial host runs: the built-in ones (hidden ones included), plus every public <see cref="IWorkload"/> with a parameterless
/// constructor in the assemblies named by <c>--workloads &lt;path&gt;</c> (how tests plug in a workload of their own).
/// </summary>
public static class WorkloadAssemblies
{
    public static bool TryLoad(string[] args, out IReadOnlyDictionary<string, IWorkload> workloads, out string? problem)
    {
        var all = new List<IWorkload>(BuiltInWorkloads.All.Concat(BuiltInWorkloads.Hidden));
        workloads = new Dictionary<string, IWorkload>();
        problem = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] != "--workloads" || i + 1 >= args.Length)
            {
                problem = $"unknown argument '{args[i]}': expected --workloads <assembly.dll>";
                return false;
            }
            var path = Path.GetFullPath(args[++i]);
            if (!File.Exists(path))
            {
                problem = $"--workloads {path}: no such file";
                return false;
            }
            all.AddRange(Assembly.LoadFrom(path).GetExportedTypes()
                .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IWorkload).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
                .Select(t => (IWorkload)Activator.CreateInstance(t)!));
        }
        var byName = new Dictionary<string, IWorkload>(StringComparer.Ordinal);
        foreach (var workload in all)
        {
            if (!byName.TryAdd(workload.Descriptor.Name, workload))
            {
                problem = $"two workloads are named '{workload.Descriptor.Name}'";
                return false;
            }
        }
        workloads = byName;
        return true;
    }
}
