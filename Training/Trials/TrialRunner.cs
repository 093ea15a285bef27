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
/// and judge it by C2ST against the reference samples. Blocks the calling thread for the whole run: call it from a
/// dedicated thread (intra-op thread count and dispose scopes are per OS thread).
/// </summary>
public static class TrialRunner
{
    // TorchSharp's default generator (used by layer initialisation) is process-wide.
    private static readonly Lock InitLock = new();

    /// <param name="checkpoints">Resume from its latest checkpoint if any, and save one every <paramref name="checkpointEvery"/> epochs.</param>
    public static TrialResult Run(TrialConfig config, Action<TrialProgress>? progress = null,
        ICheckpointStore? checkpoints = null, int checkpointEvery = 10, CancellationToken cancellation = default)
    {
        config.Validate();
        var task = SbiTasks.Get(config.Task);
        var device = DeviceSelector.Parse(config.Device);
        if (config.Threads > 0)
            set_num_threads(config.Threads);
        var total = Stopwatch.StartNew();
        using var scope = NewDisposeScope();

        var clock = Stopwatch.StartNew();
        using var dataRng = new Generator((ulong)config.Seed);
        using var data = Simulation.SimulateDataset(task, config.Budget, dataRng);
        var simulationSeconds = clock.Elapsed.TotalSeconds;
        progress?.Invoke(new TrialProgress.Simulated((int)data.Theta.shape[0], data.Dropped, simulationSeconds));

        var n = data.Theta.shape[0];
        var validation = Math.Max(1, (long)Math.Round(config.ValidationFraction * n));
        if (n - validation < 2)
            throw new ArgumentException($"Only {n} valid simulations: too few to train (budget {config.Budget}, {data.Dropped} dropped).");
        var trainSlice = TensorIndex.Slice(validation, n);
        var valSlice = TensorIndex.Slice(0, validation);
        using var thetaScale = Standardizer.Fit(data.Theta[trainSlice]);
        using var xScale = Standardizer.Fit(data.X[trainSlice]);
        Tensor Prepare(Tensor t, Standardizer s) => s.Forward(t).to(float32).to(device);
        var theta = Prepare(data.Theta, thetaScale);
        var x = Prepare(data.X, xScale);

        FreeFormFlow flow;
        lock (InitLock)
        {
            manual_seed(config.Seed);
            flow = FreeFormFlow.Create(config.Training.Architecture, task.ThetaDim, task.XDim, config.Training.IdentityInit);
        }
        using var _ = flow;
        flow.to(device);
        using var trainRng = new Generator((ulong)config.Seed + 7919, device);
        using var trainer = new FlowTrainer(flow, theta[trainSlice], x[trainSlice], theta[valSlice], x[valSlice], config.Training, trainRng);
        var history = new List<EpochProgress>();
        if (checkpoints?.OpenLatest() is { } stream)
        {
            using (stream)
                trainer.LoadCheckpoint(stream);
            progress?.Invoke(new TrialProgress.Resumed(trainer.EpochsDone));
        }

        clock.Restart();
        var startEpoch = trainer.EpochsDone;
        trainer.Run(epoch =>
        {
            history.Add(epoch);
            if (checkpoints is not null && (epoch.Epoch % checkpointEvery == 0 || epoch.Epoch == epoch.Epochs))
                checkpoints.Save(trainer.SaveCheckpoint);
            progress?.Invoke(new TrialProgress.Epoch(epoch));
        }, cancellation);
        var trainingSeconds = clock.Elapsed.TotalSeconds;
        var steps = Math.Max(1, (config.Training.Epochs - startEpoch) * trainer.BatchesPerEpoch);

        flow.eval();
        var valTheta = theta[valSlice];
        var valX = x[valSlice];
        var nll = -ExactLikelihood.DecoderLogProb(flow, valTheta, valX).mean().ToDouble() + thetaScale.LogScale;
        var nllEncoder = -ExactLikelihood.EncoderLogProb(flow, valTheta, valX).mean().ToDouble() + thetaScale.LogScale;
        var reconstruction = ExactLikelihood.Reconstruction(flow, valTheta, valX).mean().ToDouble();

        var observations = new List<ObservationResult>();
        double samplingSeconds = 0, c2stSeconds = 0;
        using var sampleRng = new Generator((ulong)config.Seed + 104_729, device);
        foreach (var number in config.Observations)
        {
            cancellation.ThrowIfCancellationRequested();
            using var obsScope = NewDisposeScope();
            clock.Restart();
            var (samples, acceptance) = PosteriorSampler.Sample(flow, task, SbiReferenceData.Observation(config.Task, number),
                thetaScale, xScale, config.PosteriorSamples, device, sampleRng);
            samplingSeconds += clock.Elapsed.TotalSeconds;
            clock.Restart();
            var c2st = C2st.Score(SbiReferenceData.ReferencePosterior(config.Task, number), samples);
            c2stSeconds += clock.Elapsed.TotalSeconds;
            var values = samples.to(float32).data<float>().ToArray();
            observations.Add(new ObservationResult(number, c2st, acceptance, new PosteriorSamples((int)samples.shape[0], task.ThetaDim, values)));
            progress?.Invoke(new TrialProgress.Evaluated(number, c2st, acceptance));
        }

        var timings = new TrialTimings(simulationSeconds, trainingSeconds, trainingSeconds / steps, samplingSeconds, c2stSeconds, total.Elapsed.TotalSeconds);
        return new TrialResult(config, observations, observations.Average(o => o.C2st), nll, nllEncoder, reconstruction,
            trainer.SkippedBatches, data.Dropped, timings, history);
    }
}
