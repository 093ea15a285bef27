using System.Diagnostics;
using Orchestrator.Protocol;
using Orchestrator.Training.Optimization;
using Orchestrator.Training.Packing;
using Orchestrator.Training.Output;
using Orchestrator.Training.Sbi;
using Orchestrator.Training.Trials;
using Orchestrator.Workloads;

namespace Orchestrator.Training.Workloads.FffSbi;

/// <summary>"fff-sbi": a free-form flow on an sbibm task (<see cref="TrialRunner"/>), judged by C2ST.</summary>
public sealed class FffSbiWorkload : IWorkload, IPackableWorkload
{
    public WorkloadDescriptor Descriptor => FffSbiDescriptor.Instance;

    public void RequireData(IReadOnlyDictionary<string, ParamValue> parameters, IReadOnlyList<int> observations) =>
        SbiDataCheck.Require(parameters[FffSbiDescriptor.Task].AsString(), observations);

    /// <summary>The recipe of data/recipes/fff-sbi.csv for the task at the budget (<see cref="FffSbiRecipes"/>), or null.</summary>
    public WorkloadRecipe? Recipe(IReadOnlyDictionary<string, ParamValue> parameters) =>
        FffSbiRecipes.Find(parameters[FffSbiDescriptor.Task].AsString(), parameters[FffSbiDescriptor.Budget].AsInt64()) is { } recipe
            ? FffSbiRecipes.ToRecipe(recipe)
            : null;

    public Completed Train(TrainRequest request, Action<TrialHostEvent> events, CancellationToken cancellation)
    {
        var total = Stopwatch.StartNew();
        if (request.CheckpointEvery < 1)
            throw new InvalidTrialRequestException($"checkpointEvery must be ≥ 1 (got {request.CheckpointEvery}).");
        // TrialConfig needs an observation to validate; an empty list means "train only".
        var observations = request.Observations.Count > 0 ? request.Observations : [1];
        var config = FffSbiConfig.From(new WorkloadParameters(Descriptor, request.Parameters), request.Seed, request.Device, request.Threads, observations);
        var store = new NotifyingCheckpointStore(request.CheckpointPath);
        var progress = new TrainingEvents(request.RequestId, store, events);
        using var trained = TrialRunner.Train(config, progress.Report, store, request.CheckpointEvery, cancellation);
        return Finish(request.RequestId, request.TrialId, trained, request.Observations, request.OutputDirectory, progress.ResumedFrom, total, events, cancellation);
    }

    /// <summary>
    /// Trains the members with <see cref="PackedTrialRunner"/> (same task, architecture, identityInit, batch size and
    /// Hutchinson count; their own β, lr, weight decay, budget, epochs, seed), then evaluates and writes each as
    /// <see cref="Train"/> would.
    /// </summary>
    public IReadOnlyList<TrialHostEvent> TrainPack(TrainPackRequest request, Action<TrialHostEvent> events, CancellationToken cancellation,
        Func<int, bool>? memberCancelled = null)
    {
        var total = Stopwatch.StartNew();
        var members = request.Members;
        if (members.Count == 0)
            throw new InvalidTrialRequestException("A pack needs at least one member.");
        var every = members[0].CheckpointEvery;
        if (every < 1 || members.Any(m => m.CheckpointEvery != every))
            throw new InvalidTrialRequestException($"Members of a pack must share one checkpointEvery ≥ 1 (got {string.Join(", ", members.Select(m => m.CheckpointEvery).Distinct())}).");
        var configs = members.Select(m => FffSbiConfig.From(new WorkloadParameters(Descriptor, m.Parameters), m.Seed, m.Device, m.Threads,
            m.Observations.Count > 0 ? m.Observations : [1])).ToList();
        var first = configs[0];
        var mismatch = configs.FirstOrDefault(c => c.Task != first.Task || c.Training.Architecture != first.Training.Architecture
            || c.Training.IdentityInit != first.Training.IdentityInit || c.Training.BatchSize != first.Training.BatchSize
            || c.Training.HutchinsonSamples != first.Training.HutchinsonSamples || c.Device != first.Device || c.Threads != first.Threads);
        if (mismatch is not null)
            throw new InvalidTrialRequestException("Members of a pack must share task, architecture, identityInit, batchSize, hutchinson, device and threads.");
        var stores = members.Select(m => new NotifyingCheckpointStore(m.CheckpointPath)).ToList();
        var progress = members.Select((m, i) => new TrainingEvents(m.RequestId, stores[i], events)).ToList();
        var outcomes = PackedTrialRunner.Train(configs, (i, p) => progress[i].Report(p), stores, every, cancelled: memberCancelled, cancellation: cancellation);
        var ends = new List<TrialHostEvent>();
        for (var i = 0; i < members.Count; i++)
        {
            using var outcome = outcomes[i];
            var m = members[i];
            if (memberCancelled?.Invoke(i) == true)
            {
                ends.Add(new Cancelled(m.RequestId)); // stopped from outside: not evaluated; its checkpoint stays
                continue;
            }
            if (outcome.Trained is not { } trained)
            {
                ends.Add(new Failed(m.RequestId, outcome.FailureReason ?? "training failed", FailureKinds.TrainingFailed));
                continue;
            }
            try
            {
                ends.Add(Finish(m.RequestId, m.TrialId, trained, m.Observations, m.OutputDirectory, progress[i].ResumedFrom, total, events, cancellation));
            }
            catch (TrainingFailedException e)
            {
                ends.Add(new Failed(m.RequestId, e.Message, FailureKinds.TrainingFailed));
            }
        }
        return ends;
    }

    public Completed Evaluate(EvaluateRequest request, Action<TrialHostEvent> events, CancellationToken cancellation)
    {
        var total = Stopwatch.StartNew();
        if (!File.Exists(request.CheckpointPath))
            throw new InvalidTrialRequestException($"Evaluate needs the finished training's checkpoint, but {request.CheckpointPath} does not exist.");
        if (request.Observations.Count == 0)
            throw new InvalidTrialRequestException("Evaluate needs at least one observation.");
        var config = FffSbiConfig.From(new WorkloadParameters(Descriptor, request.Parameters), request.Seed, request.Device, request.Threads, request.Observations);
        var store = new NotifyingCheckpointStore(request.CheckpointPath, readOnly: true);
        var epochsDone = 0;
        // Reloads the model with the z-scoring statistics its final checkpoint carries (no simulation); an unfinished
        // checkpoint would train: refuse it.
        using var trained = TrialRunner.Train(config, progress =>
        {
            if (progress is TrialProgress.Simulated s)
            {
                Console.Error.WriteLine($"trial-host: {request.CheckpointPath} carries no z-scoring statistics (written before they were stored, " +
                    $"or unfinished): re-simulated the training set ({s.Pairs} pairs, {s.Seconds:F1} s) to recompute them.");
            }
            if (progress is not TrialProgress.Resumed r)
                return;
            epochsDone = r.EpochsDone;
            if (epochsDone < config.Training.Epochs)
                throw new InvalidTrialRequestException(
                    $"The checkpoint {request.CheckpointPath} holds {epochsDone} of {config.Training.Epochs} epochs: the training is not finished.");
        }, store, checkpointEvery: int.MaxValue, cancellation);
        return Finish(request.RequestId, request.TrialId, trained, request.Observations, request.OutputDirectory, epochsDone, total, events, cancellation);
    }

    // Evaluates one observation at a time (same samples as all at once: one generator per observation) so each is reported
    // as it ends, then writes result.json and history.csv.
    private static Completed Finish(string requestId, string trialId, TrainedTrial trained, IReadOnlyList<int> observations,
        string outputDirectory, int resumedFrom, Stopwatch total, Action<TrialHostEvent> events, CancellationToken cancellation)
    {
        Directory.CreateDirectory(outputDirectory);
        using var evaluation = observations.Count > 0 ? OrchestratorTelemetry.Source.StartActivity(OrchestratorTelemetry.Spans.Evaluation) : null;
        evaluation?.SetTag("orchestrator.observations", string.Join(",", observations));
        var results = new List<ObservationResult>();
        var scores = new List<EvaluatedObservation>();
        double samplingSeconds = 0, c2stSeconds = 0;
        foreach (var number in observations)
        {
            var (evaluated, sampling, c2st) = TrialRunner.Evaluate(trained, [number], null, cancellation);
            samplingSeconds += sampling;
            c2stSeconds += c2st;
            var result = evaluated[0];
            var samplesPath = TrialOutputWriter.SamplesPath(outputDirectory, number);
            TrialOutputWriter.WriteSamples(samplesPath, result.Samples);
            results.Add(result);
            scores.Add(new EvaluatedObservation(number, result.C2st, result.AcceptanceRate, samplesPath));
            events(new Evaluated(requestId, number, result.C2st, result.AcceptanceRate, samplesPath));
        }
        var s = trained.Summary;
        var timings = new TrialTimings(s.SimulationSeconds, s.TrainingSeconds, s.StepSeconds, samplingSeconds, c2stSeconds, total.Elapsed.TotalSeconds);
        double? mean = results.Count > 0 ? results.Average(r => r.C2st) : null;
        var trialResult = new TrialResult(trained.Config with { Observations = observations }, results, mean ?? double.NaN,
            s.ValidationNll, s.ValidationNllEncoder, s.ValidationReconstruction, s.SkippedBatches, s.DroppedSimulations, timings, s.History);
        var resultPath = TrialOutputWriter.WriteResult(outputDirectory, trialResult);
        var (gap, nonInvertible) = FffSbiDescriptor.Invertibility(s.ValidationNll, s.ValidationNllEncoder);
        var metrics = new Dictionary<string, double>
        {
            [FffSbiDescriptor.NllGap] = gap,
            [FffSbiDescriptor.NonInvertible] = nonInvertible,
            [FffSbiDescriptor.C2st] = mean ?? double.NaN,
            [FffSbiDescriptor.ValNll] = s.ValidationNll,
            [FffSbiDescriptor.ValNllEncoder] = s.ValidationNllEncoder,
            [FffSbiDescriptor.ValReconstruction] = s.ValidationReconstruction,
            [FffSbiDescriptor.SkippedBatches] = s.SkippedBatches,
            [FffSbiDescriptor.DroppedSimulations] = s.DroppedSimulations,
        };
        var summary = new TrialSummary(TrialSummary.Finite(metrics), scores, resumedFrom,
            new TrialTimingsSummary(timings.SimulationSeconds, timings.TrainingSeconds, timings.StepSeconds, samplingSeconds, c2stSeconds, timings.TotalSeconds));
        return new Completed(requestId, trialId, summary, resultPath);
    }
}
