using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Protocol;
using Orchestrator.Training.SmoothFlows;
using Orchestrator.Training.SmoothFlows.Toys;
using Orchestrator.Workloads;
using static TorchSharp.torch;

namespace Orchestrator.Training.Workloads.SmoothFlow;

/// <summary>
/// "smooth-flow": trains a coupling flow on a ring toy (<see cref="ToyTrainer"/>, checkpointed every
/// <c>checkpointEvery</c> epochs), then measures it (<see cref="ToyExperiment.Measure"/>). Every requested observation
/// scores the force RMSE (the primary metric); result.json has all metrics.
/// </summary>
public sealed class SmoothFlowWorkload : IWorkload
{
    public WorkloadDescriptor Descriptor => SmoothFlowDescriptor.Instance;

    public Completed Train(TrainRequest request, Action<TrialHostEvent> events, CancellationToken cancellation)
    {
        if (request.CheckpointEvery < 1)
            throw new InvalidTrialRequestException($"checkpointEvery must be ≥ 1 (got {request.CheckpointEvery}).");
        return Run(request.RequestId, request.TrialId, request.Parameters, request.Seed, request.Threads, request.CheckpointPath,
            request.CheckpointEvery, request.Observations, request.OutputDirectory, evaluateOnly: false, events, cancellation);
    }

    public Completed Evaluate(EvaluateRequest request, Action<TrialHostEvent> events, CancellationToken cancellation)
    {
        if (!File.Exists(request.CheckpointPath))
            throw new InvalidTrialRequestException($"Evaluate needs the finished training's checkpoint, but {request.CheckpointPath} does not exist.");
        return Run(request.RequestId, request.TrialId, request.Parameters, request.Seed, request.Threads, request.CheckpointPath,
            int.MaxValue, request.Observations, request.OutputDirectory, evaluateOnly: true, events, cancellation);
    }

    private Completed Run(string requestId, string trialId, IReadOnlyDictionary<string, JsonElement> parameters, long seed, int threads,
        string checkpointPath, int checkpointEvery, IReadOnlyList<int> observations, string outputDirectory, bool evaluateOnly,
        Action<TrialHostEvent> events, CancellationToken cancellation)
    {
        var total = Stopwatch.StartNew();
        var config = SmoothFlowConfig.From(new WorkloadParameters(Descriptor, parameters), seed);
        var experiment = config.Experiment;
        if (threads > 0)
            set_num_threads(threads);
        using var energy = new RingEnergy(experiment.Periodic);
        var dataClock = Stopwatch.StartNew();
        using var data = ToyData.Generate(energy, experiment.Data!, experiment.Seed);
        var dataSeconds = dataClock.Elapsed.TotalSeconds;
        manual_seed(experiment.Seed);
        using var flow = new CouplingFlow(experiment.FlowOptions);
        using var trainer = new ToyTrainer(flow, data, energy, experiment.TrainingOptions, new Generator((ulong)experiment.Seed));
        var store = new NotifyingCheckpointStore(checkpointPath, readOnly: evaluateOnly);
        using (var latest = store.OpenLatest())
        {
            if (latest is not null)
                trainer.Restore(latest);
        }
        var resumedFrom = trainer.IterationsDone / config.IterationsPerEpoch;
        if (evaluateOnly && resumedFrom < config.Epochs)
            throw new InvalidTrialRequestException($"The checkpoint {checkpointPath} holds {resumedFrom} of {config.Epochs} epochs: the training is not finished.");
        if (resumedFrom > 0)
            events(new Resumed(requestId, resumedFrom));
        var trainClock = Stopwatch.StartNew();
        for (var epoch = resumedFrom + 1; epoch <= config.Epochs; epoch++)
        {
            var stepClock = Stopwatch.StartNew();
            var loss = trainer.Run(config.IterationsPerEpoch, cancellation: cancellation);
            var stepSeconds = stepClock.Elapsed.TotalSeconds / config.IterationsPerEpoch;
            events(new Epoch(requestId, epoch, config.Epochs, new Dictionary<string, double>
            {
                [CommonMetrics.TrainLoss] = loss,
                [CommonMetrics.ValNll] = trainer.HeldOutNll(),
                [CommonMetrics.Lr] = experiment.TrainingOptions.LearningRate,
                [CommonMetrics.StepSeconds] = stepSeconds,
            }));
            if (epoch % checkpointEvery == 0 || epoch == config.Epochs)
            {
                store.Save(trainer.Save);
                if (store.TakeSaved())
                    events(new CheckpointSaved(requestId, epoch, store.Path));
            }
        }
        var trainSeconds = trainClock.Elapsed.TotalSeconds;
        cancellation.ThrowIfCancellationRequested();
        var (metrics, nve) = ToyExperiment.Measure(experiment, flow, data);
        return Finish(requestId, trialId, metrics, nve, observations, outputDirectory, resumedFrom,
            new TrialTimingsSummary(dataSeconds, trainSeconds, trainSeconds / Math.Max(1, experiment.TrainingOptions.Iterations), 0, 0, total.Elapsed.TotalSeconds),
            events);
    }

    private static Completed Finish(string requestId, string trialId, ToyMetrics metrics, NveResult? nve, IReadOnlyList<int> observations,
        string outputDirectory, int resumedFrom, TrialTimingsSummary timings, Action<TrialHostEvent> events)
    {
        Directory.CreateDirectory(outputDirectory);
        var scores = new List<EvaluatedObservation>();
        foreach (var observation in observations)
        {
            var path = Path.Combine(outputDirectory, $"metrics_obs{observation}.json");
            File.WriteAllText(path, JsonSerializer.Serialize(metrics));
            scores.Add(new EvaluatedObservation(observation, metrics.ForceRmse, 1, path));
            events(new Evaluated(requestId, observation, metrics.ForceRmse, 1, path));
        }
        var resultPath = Path.Combine(outputDirectory, "result.json");
        File.WriteAllText(resultPath, JsonSerializer.Serialize(new
        {
            forceRmse = metrics.ForceRmse,
            heldOutNll = metrics.HeldOutNll,
            maxForceJump = metrics.MaxForceJump,
            roundTripError = metrics.RoundTripError,
            nveDrift = nve?.FinalDrift,
            nveMaxDeviation = nve?.MaxDeviation,
            timings,
        }, new JsonSerializerOptions { WriteIndented = true }));
        var final = new Dictionary<string, double>
        {
            [SmoothFlowDescriptor.ForceRmse] = metrics.ForceRmse,
            [SmoothFlowDescriptor.HeldOutNll] = metrics.HeldOutNll,
            [SmoothFlowDescriptor.MaxForceJump] = metrics.MaxForceJump,
            [SmoothFlowDescriptor.RoundTripError] = metrics.RoundTripError,
            [SmoothFlowDescriptor.NveDrift] = nve?.FinalDrift ?? double.NaN,
        };
        var summary = new TrialSummary(TrialSummary.Finite(final), scores, resumedFrom, timings);
        return new Completed(requestId, trialId, summary, resultPath);
    }
}
