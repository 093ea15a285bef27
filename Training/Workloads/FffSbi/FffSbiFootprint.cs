using Orchestrator.Training.Networks;
using Orchestrator.Training.Sbi;
using Orchestrator.Workloads;

namespace Orchestrator.Training.Workloads.FffSbi;

/// <summary>What one fff-sbi member costs per training step (<see cref="PackFootprint"/>), from its task, architecture, batch size and Hutchinson count.</summary>
public static class FffSbiFootprint
{
    /// <summary>
    /// Layer outputs one step keeps per network and Hutchinson vector: the forward pass, and the graph of its
    /// vector-Jacobian product that the double-backward JVP differentiates again (create_graph) — about three copies.
    /// An estimate that errs high: it only guards a pack against the slot's memory.
    /// </summary>
    public const int ActivationCopies = 3;

    public static PackFootprint? Of(IReadOnlyDictionary<string, ParamValue> parameters, IReadOnlyDictionary<string, ParamValue> defaults)
    {
        ParamValue Get(string name) => parameters.GetValueOrDefault(name) ?? defaults[name];
        var taskName = Get(FffSbiDescriptor.Task).AsString();
        if (!SbiTasks.Names.Contains(taskName))
            return null;
        var task = SbiTasks.Get(taskName); // dimensions only: building a task allocates no tensors
        var layers = ArchitectureShapes.Layers(Get(FffSbiDescriptor.Architecture).AsString(), task.ThetaDim, task.XDim);
        var hutchinson = Get(FffSbiDescriptor.Hutchinson).AsInt64();
        // An encoder and a decoder of the same architecture.
        return new PackFootprint(2 * ArchitectureShapes.Parameters(layers), 2 * layers.Count,
            2 * ActivationCopies * hutchinson * layers.Sum(l => (long)l.Out), (int)Get(FffSbiDescriptor.BatchSize).AsInt64());
    }
}
