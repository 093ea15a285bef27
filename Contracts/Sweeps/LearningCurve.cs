using Orchestrator.Contracts.Specs;

namespace Orchestrator.Contracts.Sweeps;

/// <summary>A config group's training curves: per epoch, the mean over its seeds of each per-epoch metric, by its declared name.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.learning-curve")]
public sealed record LearningCurve(
    [property: Id(0)] string GroupHash,
    [property: Id(1)] IReadOnlyDictionary<string, ParamValue> Parameters,
    [property: Id(2)] IReadOnlyList<int> Epochs,
    [property: Id(3)] IReadOnlyDictionary<string, IReadOnlyList<double>> Values);
