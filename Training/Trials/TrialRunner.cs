using System.Diagnostics;
using Orchestrator.Training.Data;
using Orchestrator.Training.Devices;
using Orchestrator.Training.Evaluation;
using Orchestrator.Training.Flows;
using Orchestrator.Training.Optimization;
using Orchestrator.Training.Sbi;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Trials;

/// <summary>
/// Runs one trial: simulate the budget, z-score, train a free-form flow, then sample each observation's posterior
/// and judge it by C2ST against the reference samples. <see cref="Train"/> and <see cref="Evaluate"/> can run apart
/// (evaluation shards load the trained model from its checkpoint). Everything blocks the calling thread: call it from a
/// dedicated thread (intra-op thread count and dispose scopes are per OS thread).
/// </summary>
public static class TrialRunner
{
    // TorchSharp's default generator (used by layer initialisation) is process-wide.
    private static readonly Lock InitLock = new();

    /// <summary>Train and evaluate on every configured observation.</summary>
    public static TrialResult Run(TrialConfig config, Action<TrialProgress>? progress = null,
        ICheckpointStore? checkpoints = null, int checkpointEvery = 10, CancellationToken cancellation = default)
    {
        var total = Stopwatch.StartNew();
        using var trained = Train(config, progress, checkpoints, checkpointEvery, cancellation);
        var (observations, samplingSeconds, c2stSeconds) = Evaluate(trained, config.Observations, progress, cancellation);
        var s = trained.Summary;
        var timings = new TrialTimings(s.SimulationSeconds, s.TrainingSeconds, s.StepSeconds, samplingSeconds, c2stSeconds, total.Elapsed.TotalSeconds);
        return new TrialResult(config, observations, observations.Average(o => o.C2st), s.ValidationNll, s.ValidationNllEncoder,
            s.ValidationReconstruction, s.SkippedBatches, s.DroppedSimulations, timings, s.History);
    }

    /// <summary>
    /// Simulates and trains; resumes from <paramref name="checkpoints"/>' latest checkpoint if there is one and saves
    /// one every <paramref name="checkpointEvery"/> epochs and at the end, the last with the statistics evaluation needs.
    /// A checkpoint of a finished run makes this a cheap reload: no simulation (its statistics are stored) and no epoch
    /// left to train; a finished one written before the statistics were stored re-simulates the data to recompute them.
    /// </summary>
    public static TrainedTrial Train(TrialConfig config, Action<TrialProgress>? progress = null,
        ICheckpointStore? checkpoints = null, int checkpointEvery = 10, CancellationToken cancellation = default)
    {
        config.Validate();
        SbiDataCheck.Require(config.Task, config.Observations);
        if (checkpointEvery < 1)
            throw new ArgumentException($"checkpointEvery must be ≥ 1 (got {checkpointEvery}).");
        var task = SbiTasks.Get(config.Task);
        var device = DeviceSelector.Parse(config.Device);
        if (config.Threads > 0)
            set_num_threads(config.Threads);
        // The model outlives this method: build it before the dispose scope that frees the data.
        var flow = CreateFlow(config, task, device);
        if (checkpoints?.OpenLatest() is { } latest)
        {
            using (latest)
            {
                if (Reload(config, task, flow, device, latest, progress) is { } reloaded)
                    return reloaded;
            }
        }
        using var scope = NewDisposeScope();
        var data = TrialData.Prepare(config, task, device, progress);

        using var trainRng = TrainingGenerator(config, device);
        using var trainer = new FlowTrainer(flow, data.Theta[data.Train], data.X[data.Train], data.Theta[data.Validation], data.X[data.Validation],
            config.Training, trainRng);
        if (checkpoints?.OpenLatest() is { } stream)
        {
            using (stream)
                trainer.LoadCheckpoint(stream);
            progress?.Invoke(new TrialProgress.Resumed(trainer.EpochsDone));
        }

        var clock = Stopwatch.StartNew();
        var startEpoch = trainer.EpochsDone;
        // The last finished epoch not yet in a stored checkpoint, kept in memory: a cancelled run (a worker shutting down)
        // saves it on the way out, so the requeued attempt resumes from there rather than from the last periodic checkpoint.
        MemoryStream? unsaved = null;
        ValidationScores? final = null;
        try
        {
            trainer.Run(epoch =>
            {
                unsaved?.Dispose();
                unsaved = null;
                if (checkpoints is not null && (epoch.Epoch % checkpointEvery == 0 || epoch.Epoch == epoch.Epochs))
                {
                    checkpoints.Save(stream =>
                    {
                        trainer.SaveCheckpoint(stream);
                        if (epoch.Epoch == epoch.Epochs)
                            final = EvaluationStatistics.Append(stream, flow, data);
                    });
                }
                else if (checkpoints is not null)
                {
                    unsaved = new MemoryStream();
                    trainer.SaveCheckpoint(unsaved);
                }
                progress?.Invoke(new TrialProgress.Epoch(epoch));
            }, cancellation);
        }
        catch (OperationCanceledException) when (unsaved is not null && checkpoints is not null)
        {
            checkpoints.Save(unsaved.WriteTo);
            progress?.Invoke(new TrialProgress.SavedOnCancel(trainer.EpochsDone));
            throw;
        }
        finally
        {
            unsaved?.Dispose();
        }
        var trainingSeconds = clock.Elapsed.TotalSeconds;
        var steps = Math.Max(1, (config.Training.Epochs - startEpoch) * trainer.BatchesPerEpoch);
        return Finish(config, task, flow, data, device, trainer.SkippedBatches, trainingSeconds, trainingSeconds / steps, trainer.History.ToList(), final);
    }

    /// <summary>
    /// A finished training reloaded from its checkpoint with the stored statistics, without simulating; null when the
    /// checkpoint is unfinished or was written before the statistics were stored (the caller then simulates).
    /// </summary>
    private static TrainedTrial? Reload(TrialConfig config, ISbiTask task, FreeFormFlow flow, Device device, Stream checkpoint,
        Action<TrialProgress>? progress)
    {
        var state = TrainerCheckpoint.ReadWeights(checkpoint, flow);
        if (state.EpochsDone < config.Training.Epochs || EvaluationStatistics.TryRead(checkpoint) is not { } stored)
            return null;
        progress?.Invoke(new TrialProgress.Resumed(state.EpochsDone));
        flow.eval();
        var v = stored.Validation;
        // Nothing simulated nor trained here: zero seconds of either.
        var summary = new TrainingSummary(v.Nll, v.NllEncoder, v.Reconstruction, state.SkippedBatches, stored.DroppedSimulations, 0, 0, 0, state.History);
        return Judged(config, task, flow, stored.ThetaScale(), stored.XScale(), device, summary);
    }

    /// <summary>
    /// The trial's flow with its initial weights: seeded from the trial's seed, under a lock because TorchSharp's default
    /// generator (used by layer initialisation) is process-wide. Packed trials start from exactly these weights.
    /// </summary>
    internal static FreeFormFlow CreateFlow(TrialConfig config, ISbiTask task, Device device)
    {
        FreeFormFlow flow;
        lock (InitLock)
        {
            manual_seed(config.Seed);
            flow = FreeFormFlow.Create(config.Training.Architecture, task.ThetaDim, task.XDim, config.Training.IdentityInit);
        }
        flow.to(device);
        return flow;
    }

    /// <summary>The generator of the trial's shuffles and Hutchinson vectors.</summary>
    internal static Generator TrainingGenerator(TrialConfig config, Device device) => new((ulong)config.Seed + 7919, device);

    /// <summary>
    /// The trained flow judged on the validation set (exact NLL both ways, reconstruction; <paramref name="final"/> when
    /// the final checkpoint's save already judged it) and wrapped with what evaluation needs.
    /// </summary>
    internal static TrainedTrial Finish(TrialConfig config, ISbiTask task, FreeFormFlow flow, TrialData data, Device device,
        int skippedBatches, double trainingSeconds, double stepSeconds, IReadOnlyList<EpochProgress> history, ValidationScores? final = null)
    {
        var v = final ?? ValidationScores.Of(flow, data);
        flow.eval();
        var summary = new TrainingSummary(v.Nll, v.NllEncoder, v.Reconstruction, skippedBatches, data.Dropped, data.SimulationSeconds,
            trainingSeconds, stepSeconds, history);
        return Judged(config, task, flow, data.ThetaScale.MoveToOuter(), data.XScale.MoveToOuter(), device, summary);
    }

    /// <summary>Wraps a judged flow with what evaluation needs. A diverged model fails here with its reason: it must never be scored.</summary>
    private static TrainedTrial Judged(TrialConfig config, ISbiTask task, FreeFormFlow flow, Standardizer thetaScale, Standardizer xScale,
        Device device, TrainingSummary summary)
    {
        if (!double.IsFinite(summary.ValidationNll))
        {
            thetaScale.Dispose();
            xScale.Dispose();
            throw new TrainingFailedException(
                $"The validation NLL is {summary.ValidationNll} (the model diverged); try a larger β or a smaller learning rate.");
        }
        return new TrainedTrial(config, task, flow, thetaScale, xScale, device, summary);
    }

    /// <summary>Below this fraction of in-support posterior samples a model is judged diverged (the trial fails).</summary>
    public const double MinAcceptance = 0.01;

    private static double LargestMagnitude(Tensor samples)
    {
        using var scope = NewDisposeScope();
        var finite = samples[isfinite(samples).all(1)];
        return finite.shape[0] == 0 ? double.NaN : finite.abs().max().ToDouble();
    }

    /// <summary>Samples each observation's posterior and scores it by C2ST against the reference samples.</summary>
    public static (List<ObservationResult> Results, double SamplingSeconds, double C2stSeconds) Evaluate(
        TrainedTrial trained, IReadOnlyList<int> observations, Action<TrialProgress>? progress = null, CancellationToken cancellation = default)
    {
        var config = trained.Config;
        if (config.Threads > 0)
            set_num_threads(config.Threads);
        var results = new List<ObservationResult>();
        double samplingSeconds = 0, c2stSeconds = 0;
        var clock = new Stopwatch();
        foreach (var number in observations)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            // One generator per observation: a shard evaluating a subset draws the same samples as a full run.
            using var rng = new Generator((ulong)(config.Seed * 1000 + number) + 104_729, trained.Device);
            clock.Restart();
            var (samples, acceptance) = PosteriorSampler.Sample(trained.Flow, trained.Task, SbiReferenceData.Observation(config.Task, number),
                trained.ThetaScale, trained.XScale, config.PosteriorSamples, trained.Device, rng);
            samplingSeconds += clock.Elapsed.TotalSeconds;
            if (acceptance < MinAcceptance)
                throw new TrainingFailedException(
                    $"Only {acceptance:P1} of the posterior samples of observation {number} lie inside the prior's support " +
                    $"(largest |θ| {LargestMagnitude(samples):G3}): the model diverged, its C2ST would be meaningless.");
            clock.Restart();
            // Equal class sizes, as sbibm: with fewer posterior samples, compare against as many reference samples.
            var reference = SbiReferenceData.ReferencePosterior(config.Task, number);
            if (reference.shape[0] > samples.shape[0])
                reference = reference[TensorIndex.Slice(0, samples.shape[0])];
            var c2st = C2st.Score(reference, samples);
            c2stSeconds += clock.Elapsed.TotalSeconds;
            var values = samples.to(float32).data<float>().ToArray();
            results.Add(new ObservationResult(number, c2st, acceptance, new PosteriorSamples((int)samples.shape[0], trained.Task.ThetaDim, values)));
            progress?.Invoke(new TrialProgress.Evaluated(number, c2st, acceptance));
        }
        return (results, samplingSeconds, c2stSeconds);
    }
}
