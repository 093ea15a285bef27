using TorchSharp;
using System.Diagnostics;
using Orchestrator.Training.Flows;
using static TorchSharp.torch;

namespace Orchestrator.Training.Optimization;

/// <summary>
/// Trains a <see cref="FreeFormFlow"/> on (θ, x) pairs with the FFF loss, Adam + L2 and the one-cycle schedule.
/// All randomness after construction (shuffling, Hutchinson vectors) comes from one generator whose state is
/// part of the checkpoint, so a resumed run continues exactly as an uninterrupted one.
/// Not thread-safe; intended to run on one dedicated thread.
/// </summary>
public sealed class FlowTrainer : IDisposable
{
    private readonly FreeFormFlow _flow;
    private readonly Tensor _theta, _x, _valTheta, _valX;
    private readonly TrainingOptions _options;
    private readonly Generator _rng;
    private readonly AdamL2 _adam;
    private readonly OneCycleSchedule _schedule;
    private readonly List<EpochProgress> _history = [];
    private int _consecutiveNonFinite;

    /// <param name="theta">Training parameters [N, D] (standardized).</param>
    /// <param name="x">Training conditions [N, C] (standardized).</param>
    public FlowTrainer(FreeFormFlow flow, Tensor theta, Tensor x, Tensor valTheta, Tensor valX, TrainingOptions options, Generator rng)
    {
        options.Validate();
        _flow = flow;
        (_theta, _x, _valTheta, _valX) = (theta, x, valTheta, valX);
        _options = options;
        _rng = rng;
        _adam = new AdamL2(flow.parameters(), options.WeightDecay);
        _schedule = new OneCycleSchedule(options.LearningRate, (long)BatchesPerEpoch * options.Epochs);
    }

    /// <summary>Epochs finished so far (0 for a fresh run).</summary>
    public int EpochsDone { get; private set; }

    /// <summary>Batches skipped because their loss or gradient was not finite.</summary>
    public int SkippedBatches { get; private set; }

    /// <summary>Every finished epoch, including those before a resumed checkpoint.</summary>
    public IReadOnlyList<EpochProgress> History => _history;

    /// <summary>Told at the end of each phase of every step (<c>bench step --profile</c>); null otherwise.</summary>
    internal Action<StepPhase>? PhaseEnded { get; set; }

    public int BatchesPerEpoch => (int)((_theta.shape[0] + _options.BatchSize - 1) / _options.BatchSize);

    /// <summary>
    /// Trains from <see cref="EpochsDone"/> to the configured number of epochs, reporting after every epoch.
    /// <paramref name="afterEpoch"/> runs on this thread after each epoch (e.g. to checkpoint).
    /// </summary>
    public void Run(Action<EpochProgress>? afterEpoch = null, CancellationToken cancellation = default)
    {
        _flow.train();
        while (EpochsDone < _options.Epochs)
        {
            var (trainLoss, stepSeconds) = RunEpoch(cancellation);
            // The consecutive-batch guard needs MaxConsecutiveNonFinite batches: a short run could end without tripping it.
            if (double.IsNaN(trainLoss))
                throw new TrainingFailedException(
                    $"Every batch of epoch {EpochsDone + 1} had a non-finite loss or gradient; try a larger β or a smaller learning rate.");
            EpochsDone++;
            var (valNll, valReconstruction) = Validate();
            var progress = new EpochProgress(EpochsDone, _options.Epochs, trainLoss, valNll, valReconstruction,
                _schedule.At(Math.Max(0, _adam.Step - 1)).LearningRate, stepSeconds, SkippedBatches);
            _history.Add(progress);
            afterEpoch?.Invoke(progress);
        }
    }

    private (double Loss, double StepSeconds) RunEpoch(CancellationToken cancellation)
    {
        var n = _theta.shape[0];
        using var order = randperm(n, generator: _rng);
        double lossSum = 0;
        var counted = 0;
        var clock = Stopwatch.StartNew();
        for (long start = 0; start < n; start += _options.BatchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var index = order[TensorIndex.Slice(start, Math.Min(start + _options.BatchSize, n))];
            var (theta, x) = (_theta.index_select(0, index), _x.index_select(0, index));
            PhaseEnded?.Invoke(StepPhase.Gather);
            var loss = Step(theta, x);
            if (loss is { } value)
            {
                lossSum += value;
                counted++;
            }
        }
        var steps = BatchesPerEpoch;
        return (counted == 0 ? double.NaN : lossSum / counted, clock.Elapsed.TotalSeconds / steps);
    }

    /// <summary>One optimizer step; null when the batch was skipped as non-finite.</summary>
    private double? Step(Tensor theta, Tensor x)
    {
        var (learningRate, beta1) = _schedule.At(_adam.Step);
        _adam.ZeroGrad();
        using var terms = FreeFormFlowLoss.Compute(_flow, theta, x, _options.Beta, _options.HutchinsonSamples, _rng);
        PhaseEnded?.Invoke(StepPhase.Loss);
        var loss = terms.Loss.ToDouble();
        PhaseEnded?.Invoke(StepPhase.LossValue);
        if (double.IsFinite(loss))
        {
            terms.Loss.backward();
            PhaseEnded?.Invoke(StepPhase.Backward);
            var gradientNorm = GradientNorm();
            PhaseEnded?.Invoke(StepPhase.GradientCheck);
            if (double.IsFinite(gradientNorm))
            {
                ClipGradients(gradientNorm);
                _adam.Update(learningRate, beta1);
                PhaseEnded?.Invoke(StepPhase.Update);
                _consecutiveNonFinite = 0;
                return loss;
            }
        }
        SkippedBatches++;
        if (++_consecutiveNonFinite >= _options.MaxConsecutiveNonFinite)
            throw new TrainingFailedException(
                $"Loss or gradient was not finite in {_consecutiveNonFinite} consecutive batches (epoch {EpochsDone + 1}, " +
                $"{SkippedBatches} skipped in all); try a larger β or a smaller learning rate.");
        return null;
    }

    // One dot product per parameter (no squared copy of the gradient), summed in one op.
    private double GradientNorm()
    {
        using var scope = NewDisposeScope();
        var squares = _flow.parameters().Select(p => p.grad).OfType<Tensor>().Select(g => g.view(-1).dot(g.view(-1))).ToArray();
        return squares.Length == 0 ? 0 : Math.Sqrt(stack(squares).sum().ToDouble());
    }

    /// <summary>Scales all gradients by clip / norm when the global norm exceeds the clip (PyTorch's clip_grad_norm_).</summary>
    private void ClipGradients(double norm)
    {
        if (_options.GradientClip <= 0 || norm <= _options.GradientClip)
            return;
        using var _ = no_grad();
        using var factor = (_options.GradientClip / (norm + 1e-6)).ToScalar();
        foreach (var p in _flow.parameters())
            p.grad?.mul_(factor);
    }

    /// <summary>Exact validation NLL (encoder version) and reconstruction error, in standardized units.</summary>
    public (double Nll, double Reconstruction) Validate()
    {
        if (_valTheta.shape[0] == 0)
            return (double.NaN, double.NaN);
        double nll = 0, reconstruction = 0;
        const int chunk = 2048;
        var n = _valTheta.shape[0];
        for (long start = 0; start < n; start += chunk)
        {
            using var scope = NewDisposeScope();
            var slice = TensorIndex.Slice(start, Math.Min(start + chunk, n));
            var theta = _valTheta[slice];
            var x = _valX[slice];
            nll -= ExactLikelihood.EncoderLogProb(_flow, theta, x).sum().ToDouble();
            reconstruction += ExactLikelihood.Reconstruction(_flow, theta, x).sum().ToDouble();
        }
        return (nll / n, reconstruction / n);
    }

    /// <summary>Writes everything needed to resume: model, optimizer moments and step, generator, counters.</summary>
    public void SaveCheckpoint(Stream stream) =>
        TrainerCheckpoint.Write(stream, new TrainerCheckpoint.State(EpochsDone, _adam.Step, SkippedBatches, _consecutiveNonFinite, _history), _flow, _adam, _rng);

    /// <summary>Restores a checkpoint written by <see cref="SaveCheckpoint"/> for the same model and options.</summary>
    public void LoadCheckpoint(Stream stream)
    {
        var state = TrainerCheckpoint.Read(stream, _flow, _adam, _rng);
        EpochsDone = state.EpochsDone;
        SkippedBatches = state.SkippedBatches;
        _consecutiveNonFinite = state.ConsecutiveNonFinite;
        _history.Clear();
        _history.AddRange(state.History);
    }

    public void Dispose() => _adam.Dispose();
}
