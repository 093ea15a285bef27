using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Protocol;
using Orchestrator.Training.Boltzmann;
using Orchestrator.Training.Data;
using Orchestrator.Training.EquivariantFlows;
using Orchestrator.Workloads;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Workloads.EcnfBg;

/// <summary>
/// "ecnf-bg": trains one DW4 Boltzmann generator (<see cref="GeneratorTrainer"/>, resumable from the request's
/// checkpoint), then scores it by the unnormalised test NLL and the importance-sampling ESS. It has no observations:
/// sweeps judge trials by the final test NLL.
/// </summary>
public sealed class EcnfBgWorkload : IWorkload
{
    private const int ValidationRows = 256;

    public WorkloadDescriptor Descriptor => EcnfBgDescriptor.Instance;

    public void RequireData(IReadOnlyDictionary<string, ParamValue> parameters, IReadOnlyList<int> observations)
    {
        var system = new DoubleWell4();
        foreach (var split in new[] { "train", "val", "test" })
            DataLocator.RequireFile(BoltzmannData.PathOf(system, split));
    }

    public Completed Train(TrainRequest request, Action<TrialHostEvent> events, CancellationToken cancellation)
    {
        var total = Stopwatch.StartNew();
        var setup = Setup(request.Parameters, request.Device, request.Threads, request.Seed);
        if (request.CheckpointEvery < 1)
            throw new InvalidTrialRequestException($"checkpointEvery must be ≥ 1 (got {request.CheckpointEvery}).");
        using var run = new Run(setup);
        var store = new NotifyingCheckpointStore(request.CheckpointPath);
        var resumedFrom = CheckpointedTraining.Run(run.Trainer, store, request.CheckpointEvery, epoch =>
        {
            var steps = (setup.TrainSize + setup.Training.BatchSize - 1) / setup.Training.BatchSize;
            events(new Epoch(request.RequestId, epoch.Epoch, setup.Training.TotalEpochs, new Dictionary<string, double>
            {
                [CommonMetrics.TrainLoss] = epoch.Loss,
                [CommonMetrics.ValNll] = run.ValidationNll(),
                [CommonMetrics.Lr] = setup.Training.LearningRate,
                [CommonMetrics.StepSeconds] = epoch.Seconds / steps,
                [CommonMetrics.SkippedBatches] = epoch.SkippedBatches,
            }));
            if (store.TakeSaved())
                events(new CheckpointSaved(request.RequestId, epoch.Epoch, store.Path));
        }, cancellation, resumed: epochs => events(new Resumed(request.RequestId, epochs)));
        return Finish(request.RequestId, request.TrialId, run, request.OutputDirectory, resumedFrom, total);
    }

    public Completed Evaluate(EvaluateRequest request, Action<TrialHostEvent> events, CancellationToken cancellation)
    {
        var total = Stopwatch.StartNew();
        var setup = Setup(request.Parameters, request.Device, request.Threads, request.Seed);
        if (!File.Exists(request.CheckpointPath))
            throw new InvalidTrialRequestException($"Evaluate needs the finished training's checkpoint, but {request.CheckpointPath} does not exist.");
        using var run = new Run(setup);
        using (var stream = File.OpenRead(request.CheckpointPath))
            run.Trainer.LoadCheckpoint(stream);
        if (run.Trainer.EpochsDone < setup.Training.TotalEpochs)
            throw new InvalidTrialRequestException(
                $"The checkpoint {request.CheckpointPath} holds {run.Trainer.EpochsDone} of {setup.Training.TotalEpochs} epochs: the training is not finished.");
        return Finish(request.RequestId, request.TrialId, run, request.OutputDirectory, run.Trainer.EpochsDone, total);
    }

    private sealed record Settings(string Model, GeneratorArchitecture Architecture, GeneratorTrainingOptions Training, int TrainSize,
        int TestSize, int EssSamples, ulong Seed);

    private Settings Setup(IReadOnlyDictionary<string, JsonElement> values, string device, int threads, long seed)
    {
        var p = new WorkloadParameters(Descriptor, values);
        if (device != "cpu")
            throw new InvalidTrialRequestException($"{EcnfBgDescriptor.Name} runs on the CPU in float64 (asked for '{device}').");
        var training = new GeneratorTrainingOptions
        {
            MlEpochs = p.Int32(EcnfBgDescriptor.MlEpochs), MixEpochs = p.Int32(EcnfBgDescriptor.MixEpochs),
            FinalLambda = p.Number(EcnfBgDescriptor.FinalLambda), LearningRate = p.Number(EcnfBgDescriptor.LearningRate),
            BatchSize = p.Int32(EcnfBgDescriptor.BatchSize), GradientClip = p.Number(EcnfBgDescriptor.GradientClip),
        };
        if (training.TotalEpochs < 1)
            throw new InvalidTrialRequestException("mlEpochs + mixEpochs must be ≥ 1.");
        if (threads > 0)
            torch.set_num_threads(threads);
        var architecture = new GeneratorArchitecture
        {
            Ecnf = new EcnfOptions { DistanceBasis = p.Int32(EcnfBgDescriptor.DistanceBasis), TimeBasis = p.Int32(EcnfBgDescriptor.TimeBasis) },
            Couplings = p.Int32(EcnfBgDescriptor.Couplings), Hidden = p.Int32(EcnfBgDescriptor.Hidden),
        };
        return new Settings(p.String(EcnfBgDescriptor.Model), architecture, training, p.Int32(EcnfBgDescriptor.TrainSize),
            p.Int32(EcnfBgDescriptor.TestSize), p.Int32(EcnfBgDescriptor.EssSamples), (ulong)seed);
    }

    /// <summary>The model, its trainer and the DW4 splits of one request, disposed together.</summary>
    private sealed class Run : IDisposable
    {
        public Run(Settings settings)
        {
            Settings = settings;
            System = new DoubleWell4();
            Rng = new Generator(settings.Seed);
            Model = GeneratorKinds.Create(settings.Model, System, settings.Architecture, Rng);
            TrainData = BoltzmannData.Load(System, "train", limit: settings.TrainSize).to(float64);
            Validation = BoltzmannData.Load(System, "val", limit: ValidationRows).to(float64);
            Trainer = new GeneratorTrainer(Model, System, TrainData, settings.Training, Rng);
        }

        public Settings Settings { get; }
        public DoubleWell4 System { get; }
        public Generator Rng { get; }
        public BoltzmannFlow Model { get; }
        public Tensor TrainData { get; }
        public Tensor Validation { get; }
        public GeneratorTrainer Trainer { get; }

        public double ValidationNll()
        {
            using var _ = no_grad();
            using var nll = Model.NegativeLogLikelihood(Validation, adaptive: false);
            return nll.mean().ToDouble();
        }

        public void Dispose()
        {
            Trainer.Dispose();
            TrainData.Dispose();
            Validation.Dispose();
            Model.Dispose();
            Rng.Dispose();
        }
    }

    // Test NLL with the evaluation integrator; ESS from fresh samples on their own generator, so Evaluate and Train agree.
    private static Completed Finish(string requestId, string trialId, Run run, string outputDirectory, int resumedFrom, Stopwatch total)
    {
        var clock = Stopwatch.StartNew();
        using var test = BoltzmannData.Load(run.System, "test", limit: run.Settings.TestSize).to(float64);
        using var nll = GeneratorEvaluation.NegativeLogLikelihoods(run.Model, test);
        var testNll = nll.mean().ToDouble();
        using var sampling = new Generator(run.Settings.Seed + 1);
        var (x, logQ) = GeneratorEvaluation.Sample(run.Model, run.Settings.EssSamples, sampling);
        double ess;
        using (x)
        using (logQ)
        using (var energy = run.System.Energy(x))
        using (var logWeights = ImportanceWeights.LogWeights(energy, logQ))
            ess = ImportanceWeights.RelativeEss(logWeights);
        var evaluationSeconds = clock.Elapsed.TotalSeconds;
        var history = run.Trainer.History;
        var trainingSeconds = history.Sum(e => e.Seconds);
        Directory.CreateDirectory(outputDirectory);
        var resultPath = Path.Combine(outputDirectory, "result.json");
        File.WriteAllText(resultPath, JsonSerializer.Serialize(new
        {
            workload = EcnfBgDescriptor.Name, model = run.Settings.Model, parameters = run.Model.ParameterCount,
            testNll, testNllNormalised = testNll + run.Model.GaussianConstant, ess, trainingSeconds, evaluationSeconds,
            history = history.Select(e => new { e.Epoch, e.Lambda, nll = Finite(e.Nll), kl = Finite(e.Kl), loss = Finite(e.Loss), e.Seconds, e.SkippedBatches }),
        }, new JsonSerializerOptions { WriteIndented = true }));
        var steps = history.Count == 0 ? 0 : trainingSeconds / (history.Count * Math.Ceiling(run.Settings.TrainSize / (double)run.Settings.Training.BatchSize));
        var metrics = new Dictionary<string, double> { [EcnfBgDescriptor.TestNll] = testNll, [EcnfBgDescriptor.Ess] = ess };
        var summary = new TrialSummary(TrialSummary.Finite(metrics), [], resumedFrom,
            new TrialTimingsSummary(0, trainingSeconds, steps, evaluationSeconds, 0, total.Elapsed.TotalSeconds));
        return new Completed(requestId, trialId, summary, resultPath);
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
