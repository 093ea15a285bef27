using Orchestrator.Protocol;
using Orchestrator.Workloads;

namespace Orchestrator.Training.Workloads;

/// <summary>
/// A workload: its <see cref="Descriptor"/> (parameters and metrics, declared once) and how a trial of it runs in the
/// trial host. Both entry points run on the trial host's worker thread, block, report progress through
/// <c>events</c> and return the <see cref="Completed"/> event; they throw <see cref="InvalidTrialRequestException"/>
/// for requests they cannot run and <see cref="OperationCanceledException"/> when cancelled. Add one by creating a
/// folder under Training/Workloads and one line in <see cref="BuiltInWorkloads"/>.
/// </summary>
public interface IWorkload
{
    WorkloadDescriptor Descriptor { get; }

    /// <summary>
    /// Trains one trial and evaluates <see cref="TrainRequest.Observations"/> (none: train only). Resume is the same
    /// call: when <see cref="TrainRequest.CheckpointPath"/> exists, training continues from it (reported by
    /// <see cref="Resumed"/>) and ends with the result an uninterrupted run would have.
    /// </summary>
    Completed Train(TrainRequest request, Action<TrialHostEvent> events, CancellationToken cancellation);

    /// <summary>Evaluates observations against the finished training in <see cref="EvaluateRequest.CheckpointPath"/> (one evaluation shard).</summary>
    Completed Evaluate(EvaluateRequest request, Action<TrialHostEvent> events, CancellationToken cancellation);

    /// <summary>
    /// Throws <see cref="Data.MissingDataException"/> (one line) when data a trial with these (complete, checked)
    /// parameters would read is missing, so a wrong data path fails before a silo starts. Default: needs no data.
    /// </summary>
    void RequireData(IReadOnlyDictionary<string, ParamValue> parameters, IReadOnlyList<int> observations)
    {
    }

    /// <summary>
    /// The workload's recipe for the setting these (complete) parameters describe, or null when it has none. Default: none.
    /// </summary>
    WorkloadRecipe? Recipe(IReadOnlyDictionary<string, ParamValue> parameters) => null;
}
