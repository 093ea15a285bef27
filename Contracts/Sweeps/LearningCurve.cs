using Orchestrator.Contracts.Specs;

namespace Orchestrator.Contracts.Sweeps;

/// <summary>
/// A config group's training curves: per epoch, the mean over its seeds of each per-epoch metric, by its declared name;
/// <see cref="Labels"/> holds each metric's declared label, so a plot's axis reads as the progress bars do.
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.learning-curve")]
public sealed record LearningCurve(
    [property: Id(0)] string GroupHash,
    [property: Id(1)] IReadOnlyDictionary<string, ParamValue> Parameters,
    [property: Id(2)] IReadOnlyList<int> Epochs,
    [property: Id(3)] IReadOnlyDictionary<string, IReadOnlyList<double>> Values,
    [property: Id(4)] IReadOnlyDictionary<string, string>? Labels = null);
