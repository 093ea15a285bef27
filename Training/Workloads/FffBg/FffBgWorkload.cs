using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Protocol;
using Orchestrator.Training.Boltzmann;
using Orchestrator.Training.Data;
using Orchestrator.Workloads;
using TrainingResumed = Orchestrator.Training.Trials.TrialProgress.Resumed;

namespace Orchestrator.Training.Workloads.FffBg;

/// <summary>
/// "fff-bg": trains an E(n)-FFF Boltzmann generator (<see cref="BoltzmannTrialRunner"/>) and reports its exact test NLL.
/// The protocol scores trials per observation; a Boltzmann generator has no observations, so every requested
/// observation carries the same score, the unnormalised test NLL, with the relative ESS in the acceptance field.
/// </summary>
public sealed class FffBgWorkload : IWorkload
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public WorkloadDescriptor Descriptor => FffBgDescriptor.Instance;

    public void RequireData(IReadOnlyDictionary<string, ParamValue> parameters, IReadOnlyList<int> observations)
    {
        var system = ParticleSystems.Get(parameters[FffBgDescriptor.System].AsString());
        foreach (var split in BoltzmannData.Splits)
        {
            if (!BoltzmannData.Exists(system, split))
                throw new MissingDataException(BoltzmannData.PathOf(system, split),
                    $"make it with 'orchestrator data generate {system.Name} --split {split}'");
        }
    }

    public Completed Train(TrainRequest request, Action<TrialHostEvent> events, CancellationToken cancellation)
    {
        var total = Stopwatch.StartNew();
        if (request.CheckpointEvery < 1)
            throw new InvalidTrialRequestException($"checkpointEvery must be ≥ 1 (got {request.CheckpointEvery}).");
        var config = FffBgDescriptor.Config(new WorkloadParameters(Descriptor, request.Parameters), request.Seed, request.Device, request.Threads);
        var store = new NotifyingCheckpointStore(request.CheckpointPath);
        var progress = new TrainingEvents(request.RequestId, store, events);
        using var trained = BoltzmannTrialRunner.Train(config, progress.Report, store, request.CheckpointEvery, cancellation);
        return Finish(request.RequestId, request.TrialId, trained, config, request.Observations, request.OutputDirectory, progress.ResumedFrom, total, events);
    }

    public Completed Evaluate(EvaluateRequest request, Action<TrialHostEvent> events, CancellationToken cancellation)
    {
        var total = Stopwatch.StartNew();
        if (!File.Exists(request.CheckpointPath))
            throw new InvalidTrialRequestException($"Evaluate needs the finished training's checkpoint, but {request.CheckpointPath} does not exist.");
        var config = FffBgDescriptor.Config(new WorkloadParameters(Descriptor, request.Parameters), request.Seed, request.Device, request.Threads);
        var epochsDone = 0;
        // Reloads the model; an unfinished checkpoint would train: refuse it.
        using var trained = BoltzmannTrialRunner.Train(config, progress =>
        {
            if (progress is not TrainingResumed r)
                return;
            epochsDone = r.EpochsDone;
            if (epochsDone < config.Epochs)
                throw new InvalidTrialRequestException(
                    $"The checkpoint {request.CheckpointPath} holds {epochsDone} of {config.Epochs} epochs: the training is not finished.");
        }, new NotifyingCheckpointStore(request.CheckpointPath, readOnly: true), checkpointEvery: int.MaxValue, cancellation);
        return Finish(request.RequestId, request.TrialId, trained, config, request.Observations, request.OutputDirectory, epochsDone, total, events);
    }

    private static Completed Finish(string requestId, string trialId, TrainedBoltzmannGenerator trained, BoltzmannConfig config,
        IReadOnlyList<int> observations, string outputDirectory, int resumedFrom, Stopwatch total, Action<TrialHostEvent> events)
    {
        Directory.CreateDirectory(outputDirectory);
        var evaluationClock = Stopwatch.StartNew();
        var result = BoltzmannTrialRunner.Evaluate(trained, config);
        var evaluationSeconds = evaluationClock.Elapsed.TotalSeconds;
        var resultPath = Path.Combine(outputDirectory, "result.json");
        File.WriteAllText(resultPath, JsonSerializer.Serialize(result, Json));
        var scores = new List<EvaluatedObservation>();
        foreach (var number in observations)
        {
            scores.Add(new EvaluatedObservation(number, result.TestNll, result.RelativeEss, resultPath));
            events(new Evaluated(requestId, number, result.TestNll, result.RelativeEss, resultPath));
        }
        var metrics = new Dictionary<string, double>
        {
            [FffBgDescriptor.TestNll] = result.TestNll,
            [FffBgDescriptor.TestNllNormalised] = result.TestNllNormalised,
            [FffBgDescriptor.Ess] = result.RelativeEss,
            [FffBgDescriptor.SamplingMs] = result.SamplingMsPerSample,
        };
        var summary = new TrialSummary(TrialSummary.Finite(metrics), scores, resumedFrom,
            new TrialTimingsSummary(0, result.TrainingSeconds, result.StepSeconds, evaluationSeconds, 0, total.Elapsed.TotalSeconds));
        return new Completed(requestId, trialId, summary, resultPath);
    }
}
