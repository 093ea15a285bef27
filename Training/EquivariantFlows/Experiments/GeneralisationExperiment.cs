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

        /// <summary>Metropolis steps before the first kept configuration (the step size is tuned here).</summary>
        public int BurnIn { get; init; } = 2000;

        public GeneratorTrainingOptions Training { get; init; } = new();

        public GeneratorArchitecture Architecture { get; init; } = new();

        public IReadOnlyList<string> Models { get; init; } = GeneratorKinds.Names;

        public ulong Seed { get; init; } = 1;

        /// <summary>Folder for per-model checkpoints (resumed when present); null: none.</summary>
        public string? CheckpointFolder { get; init; }
    }

    /// <summary>Mean (the published statistic) and median NLLs, unnormalised; add <see cref="GaussianConstant"/> to normalise.</summary>
    public sealed record Row(string Model, long Parameters, double TrainNll, double TestNll, double TrainMedian, double TestMedian,
        double GaussianConstant, double TrainSeconds, IReadOnlyList<GeneratorEpoch> History);

    /// <summary>The rows, the trajectory's halves, model samples (for plots) and the sampler's acceptance.</summary>
    public sealed record Result(IReadOnlyList<Row> Rows, Tensor Train, Tensor Test, IReadOnlyDictionary<string, Tensor> Samples, double Acceptance);

    public static Result Run(Options options, Action<string>? log = null)
    {
        var system = new DoubleWell4();
        var (train, test, acceptance) = Trajectory(system, options);
        log?.Invoke($"trajectory: {train.shape[0]} + {test.shape[0]} configurations, acceptance {acceptance:P0}");
        var rows = new List<Row>();
        var samples = new Dictionary<string, Tensor>();
        foreach (var kind in options.Models)
        {
            using var trained = TrainedGenerator.Train(kind, system, train, options.Training, options.Architecture, options.Seed,
                options.CheckpointFolder, "generalisation", log);
            var model = trained.Model;
            using var trainNll = GeneratorEvaluation.NegativeLogLikelihoods(model, train);
            using var testNll = GeneratorEvaluation.NegativeLogLikelihoods(model, test);
            rows.Add(new Row(kind, model.ParameterCount, trainNll.mean().ToDouble(), testNll.mean().ToDouble(),
                trainNll.median().ToDouble(), testNll.median().ToDouble(), model.GaussianConstant, trained.Seconds, trained.History));
            samples[kind] = GeneratorEvaluation.Sample(model, test.shape[0], trained.Rng).X;
            log?.Invoke($"{kind}: train NLL {rows[^1].TrainNll:F3}, test NLL {rows[^1].TestNll:F3}");
        }
        return new Result(rows, train, test, samples, acceptance);
    }

    /// <summary>
    /// One Metropolis chain (<see cref="MetropolisSampler"/>: compact start, step size tuned to 30–50 % acceptance during
    /// burn-in, then frozen) kept every Thin steps; the first half of the kept configurations trains, the second tests.
    /// </summary>
    public static (Tensor Train, Tensor Test, double Acceptance) Trajectory(IParticleSystem system, Options options)
    {
        using var scope = NewDisposeScope();
        var metropolis = new MetropolisOptions { Chains = 1, BurnIn = options.BurnIn, Thin = options.Thin, Seed = options.Seed };
        var (samples, run) = MetropolisSampler.Sample(system, options.Samples, metropolis);
        var configurations = samples.to(float64);
        var half = options.Samples / 2;
        return (configurations[..half].MoveToOuterDisposeScope(), configurations[half..].MoveToOuterDisposeScope(), run.AcceptanceRate);
    }
}
