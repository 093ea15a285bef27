using TorchSharp;
using Orchestrator.Training.Boltzmann;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows.Experiments;

/// <summary>
/// "Equivariant Flows" discovery experiment (spec §5): both generators learn from noisy copies of ONE metastable
/// state, are fine-tuned with ML + KL, and their samples are minimised with the energy's gradient; the distinct states
/// they reach (up to symmetry) are counted against the states of the long reference data (the DW4 test split, minimised).
/// </summary>
public static class DiscoveryExperiment
{
    public sealed record Options
    {
        /// <summary>Reference configurations (DW4 test split) minimised to list the metastable states.</summary>
        public int ReferenceCount { get; init; } = 2000;

        /// <summary>Noisy copies of the chosen minimum to train on, and the noise's standard deviation per coordinate.</summary>
        public int TrainSize { get; init; } = 1000;

        public double Noise { get; init; } = 0.1;

        /// <summary>Samples drawn from each trained model and minimised.</summary>
        public int Samples { get; init; } = 1000;

        public double Tolerance { get; init; } = 0.05;

        /// <summary>Largest remaining force for a minimised configuration to count as converged.</summary>
        public double ForceTolerance { get; init; } = 1e-3;

        public GeneratorTrainingOptions Training { get; init; } = new();

        public GeneratorArchitecture Architecture { get; init; } = new();

        public IReadOnlyList<string> Models { get; init; } = GeneratorKinds.Names;

        public ulong Seed { get; init; } = 1;

        public string? CheckpointFolder { get; init; }
    }

    /// <summary>
    /// One model: distinct states its minimised samples reach, how many of them are reference states, the share of
    /// samples that fall back into the training state, converged samples and training time.
    /// </summary>
    public sealed record Row(string Model, int DistinctStates, int ReferenceStatesFound, int NewStates, double TrainingStateShare,
        int Converged, double TrainSeconds, IReadOnlyList<int> StateCounts);

    public sealed record Result(IReadOnlyList<Row> Rows, MetastableStates Reference, int TrainingState, IReadOnlyDictionary<string, double[][]> SampleSignatures);

    public static Result Run(Options options, Action<string>? log = null)
    {
        var system = new DoubleWell4();
        using var rng = new Generator(options.Seed);
        var (reference, representatives) = ReferenceStates(system, options);
        var trainingState = Enumerable.Range(0, reference.Count).MaxBy(i => reference.Counts[i]);
        log?.Invoke($"reference: {reference.Count} metastable states in {options.ReferenceCount} minimised test configurations; " +
            $"training on state {trainingState} ({reference.Counts[trainingState]} of them)");
        using var minimum = representatives[trainingState].unsqueeze(0);
        foreach (var representative in representatives)
            representative.Dispose();
        using var noise = randn([options.TrainSize, minimum.shape[1]], dtype: float64, generator: rng);
        using var scale = options.Noise.ToScalar();
        using var train = ParticleGeometry.RemoveMean(minimum + noise.mul(scale), system.ParticleCount, system.Dimensions);

        var rows = new List<Row>();
        var signatures = new Dictionary<string, double[][]>();
        foreach (var kind in options.Models)
        {
            using var trained = TrainedGenerator.Train(kind, system, train, options.Training, options.Architecture, options.Seed,
                options.CheckpointFolder, "discovery", log);
            var (samples, _) = GeneratorEvaluation.Sample(trained.Model, options.Samples, trained.Rng);
            using (samples)
            {
                var (found, converged, sampleSignatures) = Classify(system, samples, options);
                var inReference = found.Signatures.Count(s => reference.Find(s) >= 0);
                var trainingSignature = reference.Signatures[trainingState];
                var trainingIndex = found.Find(trainingSignature);
                var share = trainingIndex < 0 ? 0 : (double)found.Counts[trainingIndex] / Math.Max(1, converged);
                rows.Add(new Row(kind, found.Count, inReference, found.Count - inReference, share, converged, trained.Seconds, found.Counts.ToList()));
                signatures[kind] = sampleSignatures;
                log?.Invoke($"{kind}: {found.Count} distinct states, {inReference} of the {reference.Count} reference states");
            }
        }
        return new Result(rows, reference, trainingState, signatures);
    }

    /// <summary>The metastable states of the minimised reference data, and one minimised configuration per state.</summary>
    public static (MetastableStates States, IReadOnlyList<Tensor> Representatives) ReferenceStates(IParticleSystem system, Options options)
    {
        using var data = BoltzmannData.Load(system, "test", limit: options.ReferenceCount).to(float64);
        var (minimised, maxForce) = EnergyMinimiser.Minimise(system, data);
        using (maxForce)
        using (minimised)
        {
            var states = new MetastableStates(options.Tolerance);
            var representatives = new List<Tensor>();
            var converged = (maxForce < options.ForceTolerance).data<bool>().ToArray();
            var signatures = MetastableStates.Signature(system, minimised);
            for (var i = 0; i < signatures.Length; i++)
            {
                if (!converged[i])
                    continue;
                var before = states.Count;
                states.Add(signatures[i]);
                if (states.Count > before)
                    representatives.Add(minimised[i].clone());
            }
            return (states, representatives);
        }
    }

    /// <summary>Minimises samples and groups the converged ones into states.</summary>
    private static (MetastableStates Found, int Converged, double[][] Signatures) Classify(IParticleSystem system, Tensor samples, Options options)
    {
        var (minimised, maxForce) = EnergyMinimiser.Minimise(system, samples);
        using (minimised)
        using (maxForce)
        {
            var converged = (maxForce < options.ForceTolerance).data<bool>().ToArray();
            var signatures = MetastableStates.Signature(system, minimised).Where((_, i) => converged[i]).ToArray();
            var found = new MetastableStates(options.Tolerance);
            found.Add(signatures);
            return (found, signatures.Length, signatures);
        }
    }
}
