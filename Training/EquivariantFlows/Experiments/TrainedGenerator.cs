using Orchestrator.Training.Boltzmann;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows.Experiments;

/// <summary>A generator trained for an experiment, with the generator that drew its initialisation and batches (sampling continues from it).</summary>
public sealed class TrainedGenerator(BoltzmannFlow model, Generator rng, IReadOnlyList<GeneratorEpoch> history, double seconds) : IDisposable
{
    public BoltzmannFlow Model => model;

    public Generator Rng => rng;

    public IReadOnlyList<GeneratorEpoch> History => history;

    /// <summary>Training wall-clock seconds, summed over the epochs (so a resumed run counts its earlier epochs too).</summary>
    public double Seconds => seconds;

    /// <summary>Seeds every model of an experiment alike, trains it (resuming from <c>{folder}/{prefix}-{kind}.ckpt</c>) and logs each epoch.</summary>
    public static TrainedGenerator Train(string kind, IParticleSystem system, Tensor data, GeneratorTrainingOptions training,
        GeneratorArchitecture architecture, ulong seed, string? folder, string prefix, Action<string>? log)
    {
        var rng = new Generator(seed);
        var model = GeneratorKinds.Create(kind, system, architecture, rng);
        using var trainer = new GeneratorTrainer(model, system, data, training, rng);
        var checkpoint = folder is null ? null : Path.Combine(folder, $"{prefix}-{kind}.ckpt");
        CheckpointedTraining.Run(trainer, CheckpointedTraining.File(checkpoint), every: 1,
            e => log?.Invoke($"{kind} epoch {e.Epoch}/{training.TotalEpochs} λ {e.Lambda:F2} NLL {e.Nll:F3} KL {e.Kl:F3} ({e.Seconds:F1} s)"));
        return new TrainedGenerator(model, rng, trainer.History.ToList(), trainer.History.Sum(e => e.Seconds));
    }

    public void Dispose()
    {
        model.Dispose();
        rng.Dispose();
    }
}
