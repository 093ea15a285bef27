using System.Diagnostics;
using Orchestrator.Training.Devices;
using Orchestrator.Training.Optimization;
using Orchestrator.Training.Trials;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Boltzmann;

/// <summary>
/// Trains an E(n)-FFF Boltzmann generator on a system's training split with the FFF loss in the full N·D space
/// (the shared <see cref="FlowTrainer"/>: one-cycle Adam, gradient clipping), then evaluates it
/// (<see cref="BoltzmannEvaluation"/>). Blocks the calling thread; run it on a dedicated thread.
/// </summary>
public static class BoltzmannTrialRunner
{
    // TorchSharp's default generator (used by layer initialisation) is process-wide.
    private static readonly Lock InitLock = new();

    /// <summary>Trains, then evaluates on the test split.</summary>
    public static BoltzmannResult Run(BoltzmannConfig config, Action<TrialProgress>? progress = null,
        ICheckpointStore? checkpoints = null, int checkpointEvery = 5, CancellationToken cancellation = default)
    {
        using var trained = Train(config, progress, checkpoints, checkpointEvery, cancellation);
        return Evaluate(trained, config);
    }

    /// <summary>Test NLL (both conventions), ESS, energies and sampling time of a trained generator.</summary>
    public static BoltzmannResult Evaluate(TrainedBoltzmannGenerator trained, BoltzmannConfig config)
    {
        using var scope = NewDisposeScope();
        var device = DeviceSelector.Parse(config.Device);
        var test = BoltzmannData.Load(trained.Generator.System, "test", config.DataFolder, config.TestSize).to(device);
        using var evaluationRng = new Generator((ulong)config.Seed + 104_729, device);
        var numbers = BoltzmannEvaluation.Evaluate(trained.Generator, test, config.Samples, evaluationRng);
        return new BoltzmannResult(config, trained.History, numbers.TestNll, numbers.TestNllNormalised, numbers.Reconstruction,
            numbers.RelativeEss, numbers.SampleEnergyMean, numbers.DataEnergyMean, numbers.Energies, numbers.SamplingMsPerSample,
            trained.TrainingSeconds, trained.StepSeconds, trained.SkippedBatches);
    }

    /// <summary>
    /// Trains on the training split, resuming from <paramref name="checkpoints"/>' latest checkpoint if there is one and
    /// saving one every <paramref name="checkpointEvery"/> epochs and at the end. The caller owns the result.
    /// </summary>
    public static TrainedBoltzmannGenerator Train(BoltzmannConfig config, Action<TrialProgress>? progress = null,
        ICheckpointStore? checkpoints = null, int checkpointEvery = 5, CancellationToken cancellation = default)
    {
        config.Validate();
        var system = ParticleSystems.Get(config.System);
        var device = DeviceSelector.Parse(config.Device);
        if (config.Threads > 0)
            set_num_threads(config.Threads);
        BoltzmannGenerator generator;
        lock (InitLock)
        {
            manual_seed(config.Seed);
            generator = new BoltzmannGenerator(system, config.Blocks, config.Hidden);
        }
        generator.Flow.to(device);
        using var scope = NewDisposeScope();
        var train = BoltzmannData.Load(system, "train", config.DataFolder, config.TrainSize).to(device);
        var validation = BoltzmannData.Load(system, "val", config.DataFolder, config.ValidationSize).to(device);
        var options = new TrainingOptions
        {
            Beta = config.Beta, LearningRate = config.LearningRate, WeightDecay = 0, BatchSize = config.BatchSize,
            Epochs = config.Epochs, GradientClip = config.GradientClip,
        };
        using var trainRng = new Generator((ulong)config.Seed + 7919, device);
        using var trainer = new FlowTrainer(generator.Flow, train, BoltzmannGenerator.NoCondition(train.shape[0], device),
            validation, BoltzmannGenerator.NoCondition(validation.shape[0], device), options, trainRng);
        if (checkpoints?.OpenLatest() is { } stream)
        {
            using (stream)
                trainer.LoadCheckpoint(stream);
            progress?.Invoke(new TrialProgress.Resumed(trainer.EpochsDone));
        }
        var clock = Stopwatch.StartNew();
        var startEpoch = trainer.EpochsDone;
        trainer.Run(epoch =>
        {
            if (checkpoints is not null && (epoch.Epoch % checkpointEvery == 0 || epoch.Epoch == epoch.Epochs))
                checkpoints.Save(trainer.SaveCheckpoint);
            progress?.Invoke(new TrialProgress.Epoch(Unnormalised(epoch, system)));
        }, cancellation);
        var trainingSeconds = clock.Elapsed.TotalSeconds;
        var steps = Math.Max(1, (config.Epochs - startEpoch) * trainer.BatchesPerEpoch);
        generator.Flow.eval();
        return new TrainedBoltzmannGenerator(generator, trainer.History.Select(e => Unnormalised(e, system)).ToList(),
            trainingSeconds, trainingSeconds / steps, trainer.SkippedBatches);
    }

    /// <summary>
    /// The trainer's validation NLL is −log N(z; 0, I_{N·D}) − log|det J_f|; the published convention drops the
    /// Gaussian constant of all N·D dimensions (the mean-free z has no component along the centre of mass).
    /// </summary>
    private static EpochProgress Unnormalised(EpochProgress epoch, IParticleSystem system) =>
        epoch with { ValidationNll = epoch.ValidationNll - 0.5 * system.ParticleCount * system.Dimensions * Math.Log(2 * Math.PI) };
}
