using Orchestrator.Training.Optimization;

namespace Orchestrator.Training.Boltzmann;

/// <summary>A trained generator with its training record; disposing it frees the model.</summary>
/// <param name="History">Per epoch, ValidationNll unnormalised (published convention).</param>
public sealed record TrainedBoltzmannGenerator(BoltzmannGenerator Generator, IReadOnlyList<EpochProgress> History,
    double TrainingSeconds, double StepSeconds, int SkippedBatches) : IDisposable
{
    public void Dispose() => Generator.Dispose();
}
