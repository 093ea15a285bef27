using System.Diagnostics;
using Orchestrator.Training.Boltzmann;
using Orchestrator.Training.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>
/// Trains a <see cref="BoltzmannFlow"/>: per batch λ·NLL(data) + (1 − λ)·KL with KL = mean over prior samples of
/// U(g(z)) − log|det ∂g/∂z| (both unnormalised; the constants do not move the gradient). All randomness after
/// construction (shuffling, prior samples) comes from one generator saved in the checkpoint, so a resumed run
/// continues exactly as an uninterrupted one. Not thread-safe; run it on one dedicated thread.
/// </summary>
public sealed class GeneratorTrainer : IDisposable
{
    private const string Magic = "BG-CKPT";
    private const int Version = 1;

    private readonly BoltzmannFlow _model;
    private readonly IParticleSystem _system;
    private readonly Tensor _data;
    private readonly GeneratorTrainingOptions _options;
    private readonly Generator _rng;
    private readonly AdamL2 _adam;
    private readonly List<GeneratorEpoch> _history = [];
    private int _consecutiveNonFinite;

    /// <param name="data">Mean-free training configurations [n, N·D] in the model's dtype.</param>
    public GeneratorTrainer(BoltzmannFlow model, IParticleSystem system, Tensor data, GeneratorTrainingOptions options, Generator rng)
    {
        options.Validate();
        (_model, _system, _data, _options, _rng) = (model, system, data, options, rng);
        _adam = new AdamL2(model.parameters(), weightDecay: 0);
    }

    public int EpochsDone => _history.Count;

    public int TotalEpochs => _options.TotalEpochs;

    public IReadOnlyList<GeneratorEpoch> History => _history;

    /// <summary>Trains up to the configured epochs; <paramref name="afterEpoch"/> runs after each (e.g. to checkpoint).</summary>
    public void Run(Action<GeneratorEpoch>? afterEpoch = null, CancellationToken cancellation = default)
    {
        _model.train();
        while (EpochsDone < _options.TotalEpochs)
        {
            var epoch = RunEpoch(EpochsDone, cancellation);
            _history.Add(epoch);
            afterEpoch?.Invoke(epoch);
        }
        _model.eval();
    }

    private GeneratorEpoch RunEpoch(int epoch, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var lambda = _options.Lambda(epoch);
        // Owned Scalars for the whole epoch: temporaries could be finalised while libtorch reads them.
        using var nllWeight = lambda.ToScalar();
        using var klWeight = (1 - lambda).ToScalar();
        var n = _data.shape[0];
        using var order = randperm(n, generator: _rng);
        double nllSum = 0, klSum = 0, lossSum = 0;
        int counted = 0, skipped = 0;
        for (long start = 0; start < n; start += _options.BatchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var batch = _data.index_select(0, order[TensorIndex.Slice(start, Math.Min(start + _options.BatchSize, n))]);
            _adam.ZeroGrad();
            var nll = _model.NegativeLogLikelihood(batch, adaptive: false).mean();
            var loss = nll.mul(nllWeight);
            var kl = double.NaN;
            if (lambda < 1)
            {
                var (x, logDet) = _model.Generate(_model.SamplePrior(batch.shape[0], _rng), adaptive: false);
                var klTensor = (_system.Energy(x) - logDet).mean();
                loss = loss + klTensor.mul(klWeight);
                kl = klTensor.ToDouble();
            }
            var lossValue = loss.ToDouble();
            if (double.IsFinite(lossValue))
            {
                loss.backward();
                var norm = _options.GradientClip > 0
                    ? nn.utils.clip_grad_norm_(_model.parameters(), _options.GradientClip)
                    : 0.0;
                if (double.IsFinite(norm))
                {
                    _adam.Update(_options.LearningRate, beta1: 0.9);
                    _consecutiveNonFinite = 0;
                    nllSum += nll.ToDouble();
                    klSum += kl;
                    lossSum += lossValue;
                    counted++;
                    continue;
                }
            }
            skipped++;
            if (++_consecutiveNonFinite >= _options.MaxConsecutiveNonFinite)
                throw new TrainingFailedException($"Loss or gradient was not finite in {_consecutiveNonFinite} consecutive batches (epoch {epoch + 1}).");
        }
        return new GeneratorEpoch(epoch + 1, lambda, nllSum / counted, lambda < 1 ? klSum / counted : double.NaN,
            lossSum / counted, clock.Elapsed.TotalSeconds, skipped);
    }

    /// <summary>Model, Adam moments and step, generator state and history.</summary>
    public void SaveCheckpoint(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(_adam.Step);
        writer.Write(_consecutiveNonFinite);
        _model.save(writer);
        foreach (var moment in _adam.StateTensors)
            moment.Save(writer);
        using var generatorState = _rng.get_state();
        var bytes = generatorState.data<byte>().ToArray();
        writer.Write(bytes.Length);
        writer.Write(bytes);
        writer.Write(_history.Count);
        foreach (var e in _history)
        {
            writer.Write(e.Epoch); writer.Write(e.Lambda); writer.Write(e.Nll); writer.Write(e.Kl);
            writer.Write(e.Loss); writer.Write(e.Seconds); writer.Write(e.SkippedBatches);
        }
    }

    /// <summary>Restores a checkpoint of <see cref="SaveCheckpoint"/> written for the same model and options.</summary>
    public void LoadCheckpoint(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        if (reader.ReadString() != Magic)
            throw new InvalidDataException("Not a Boltzmann-generator checkpoint.");
        var version = reader.ReadInt32();
        if (version != Version)
            throw new InvalidDataException($"Checkpoint format version {version} is not supported (expected {Version}).");
        var step = reader.ReadInt64();
        _consecutiveNonFinite = reader.ReadInt32();
        _model.load(reader);
        var moments = _adam.StateTensors.Select(m => zeros_like(m)).ToList();
        try
        {
            foreach (var m in moments)
                m.Load(reader);
            _adam.Restore(moments, step);
        }
        finally
        {
            moments.ForEach(m => m.Dispose());
        }
        using var generatorState = tensor(reader.ReadBytes(reader.ReadInt32()), dtype: ScalarType.Byte);
        _rng.set_state(generatorState);
        _history.Clear();
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
            _history.Add(new GeneratorEpoch(reader.ReadInt32(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(),
                reader.ReadDouble(), reader.ReadDouble(), reader.ReadInt32()));
    }

    public void Dispose() => _adam.Dispose();
}
