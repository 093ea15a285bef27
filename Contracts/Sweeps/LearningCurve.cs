using Orchestrator.Contracts.Specs;

namespace Orchestrator.Contracts.Sweeps;

/// <summary>A config group's training curve: per epoch, the mean over its seeds of training loss and validation NLL.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.learning-curve")]
public sealed record LearningCurve(
    [property: Id(0)] string GroupHash,
    [property: Id(1)] IReadOnlyDictionary<string, ParamValue> Parameters,
    [property: Id(2)] IReadOnlyList<int> Epochs,
    [property: Id(3)] IReadOnlyList<double> TrainLoss,
    [property: Id(4)] IReadOnlyList<double> ValidationNll);
