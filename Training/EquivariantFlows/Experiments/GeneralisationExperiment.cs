using System.Diagnostics;
using TorchSharp;
using Orchestrator.Training.Boltzmann;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows.Experiments;

/// <summary>
/// "Equivariant Flows" Table 1 (spec §5): one short DW4 Metropolis trajectory; both generators are trained on its
/// first half and their NLL is measured on both halves. An equivariant generator should have test ≈ train; a
/// non-equivariant one should not, because the second half visits orientations and labellings the first half lacked.
/// </summary>
public static class GeneralisationExperiment
{
    public sealed record Options
    {
        /// <summary>Trajectory configurations kept (after thinning); the first half trains, the second tests.</summary>
        public int Samples { get; init; } = 2000;

        public int Thin { get; init; } = 10;

        public int BurnIn { get; init; } = 2000;

        public double StepSize { get; init; } = 0.15;

        public GeneratorTrainingOptions Training { get; init; } = new();

        public GeneratorArchitecture Architecture { get; init; } = new();

        public IReadOnlyList<string> Models { get; init; } = GeneratorKinds.Names;

        public ulong Seed { get; init; } = 1;

        /// <summary>Folder for per-model checkpoints (resumed when present); null: none.</summary>
        public string? CheckpointFolder { get; init; }
    }

    public sealed record Row(string Model, long Parameters, double TrainNll, double TestNll, double GaussianConstant, double TrainSeconds, IReadOnlyList<GeneratorEpoch> History);

    /// <summary>The rows, the trajectory's halves, model samples (for plots) and the sampler's acceptance.</summary>
    public sealed record Result(IReadOnlyList<Row> Rows, Tensor Train, Tensor Test, IReadOnlyDictionary<string, Tensor> Samples, double Acceptance);

    public static Result Run(Options options, Action<string>? log = null)
    {
        var system = new DoubleWell4();
        using var rng = new Generator(options.Seed);
        var (train, test, acceptance) = Trajectory(system, options, rng);
        log?.Invoke($"trajectory: {train.shape[0]} + {test.shape[0]} configurations, acceptance {acceptance:P0}");
        var rows = new List<Row>();
        var samples = new Dictionary<string, Tensor>();
        foreach (var kind in options.Models)
        {
            using var modelRng = new Generator(options.Seed);
            using var model = GeneratorKinds.Create(kind, system, options.Architecture, modelRng);
            using var trainer = new GeneratorTrainer(model, system, train, options.Training, modelRng);
            var clock = Stopwatch.StartNew();
            var checkpoint = options.CheckpointFolder is null ? null : Path.Combine(options.CheckpointFolder, $"generalisation-{kind}.ckpt");
            CheckpointedTraining.Run(trainer, checkpoint, every: 1,
                e => log?.Invoke($"{kind} epoch {e.Epoch}/{options.Training.TotalEpochs} λ {e.Lambda:F2} NLL {e.Nll:F3} KL {e.Kl:F3} ({e.Seconds:F1} s)"));
            var seconds = clock.Elapsed.TotalSeconds;
            using var trainNll = GeneratorEvaluation.NegativeLogLikelihoods(model, train);
            using var testNll = GeneratorEvaluation.NegativeLogLikelihoods(model, test);
            rows.Add(new Row(kind, model.ParameterCount, trainNll.mean().ToDouble(), testNll.mean().ToDouble(), model.GaussianConstant,
                seconds, trainer.History.ToList()));
            samples[kind] = GeneratorEvaluation.Sample(model, test.shape[0], modelRng).X;
            log?.Invoke($"{kind}: train NLL {rows[^1].TrainNll:F3}, test NLL {rows[^1].TestNll:F3}");
        }
        return new Result(rows, train, test, samples, acceptance);
    }

    /// <summary>One Metropolis chain from the first DW4 data configuration: burn-in, then Samples × Thin steps, split in halves.</summary>
    public static (Tensor Train, Tensor Test, double Acceptance) Trajectory(IParticleSystem system, Options options, Generator rng)
    {
        using var scope = NewDisposeScope();
        using var first = BoltzmannData.Load(system, "train", limit: 1).to(float64);
        var (burnIn, _) = MetropolisTrajectory.Run(system, first, options.BurnIn, options.StepSize, options.BurnIn, rng);
        var (chain, acceptance) = MetropolisTrajectory.Run(system, burnIn[-1], options.Samples * options.Thin, options.StepSize, options.Thin, rng);
        var configurations = chain[.., 0];
        var half = options.Samples / 2;
        return (configurations[..half].MoveToOuterDisposeScope(), configurations[half..].MoveToOuterDisposeScope(), acceptance);
    }
}
