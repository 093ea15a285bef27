using TorchSharp;
using Orchestrator.Training.Optimization;
using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows.Toys;

/// <summary>Optimisation settings of a toy run (spec §3: Adam 5e-4, batch 1,000, 8,000 iterations, NLL only).</summary>
public sealed record ToyTrainingOptions(int Iterations = 8000, int BatchSize = 1000, double LearningRate = 5e-4, LossWeights? Weights = null, int KlBatchSize = 1000)
{
    public LossWeights Loss => Weights ?? new LossWeights();

    public void Validate()
    {
        if (Iterations < 1 || BatchSize < 1 || KlBatchSize < 1 || LearningRate <= 0)
            throw new ArgumentException("Iterations, batch sizes and the learning rate must be positive.");
        Loss.Validate();
    }
}

/// <summary>
/// Trains a coupling flow on toy data with Adam and the weighted NLL/KL/force-matching loss. Batches (and KL samples)
/// come from one generator whose state is checkpointed with the parameters and Adam's moments, so a resumed run
/// continues exactly as an uninterrupted one. Not thread-safe.
/// </summary>
public sealed class ToyTrainer : IDisposable
{
    private const string Magic = "SMOOTH-FLOW-CKPT";
    private const int Version = 1;
    private readonly CouplingFlow _flow;
    private readonly RingEnergy _energy;
    private readonly ToyTrainingOptions _options;
    private readonly Generator _generator;
    private readonly FlowLosses _losses;
    private readonly AdamL2 _adam;
    private readonly Tensor _train, _trainForce, _heldOut;

    public ToyTrainer(CouplingFlow flow, ToyData data, RingEnergy energy, ToyTrainingOptions options, Generator generator)
    {
        options.Validate();
        (_flow, _energy, _options, _generator) = (flow, energy, options, generator);
        var dtype = flow.parameters().First().dtype;
        _losses = new FlowLosses(options.Loss);
        _adam = new AdamL2(flow.parameters(), weightDecay: 0);
        _train = data.Train.to(dtype).DetachFromDisposeScope();
        _trainForce = data.TrainForce.to(dtype).DetachFromDisposeScope();
        _heldOut = data.HeldOut.to(dtype).DetachFromDisposeScope();
    }

    public int IterationsDone { get; private set; }

    /// <summary>
    /// Runs <paramref name="iterations"/> more iterations (at most up to the configured total) and returns their mean loss.
    /// <paramref name="report"/> gets (iteration, loss terms) every <paramref name="reportEvery"/> iterations.
    /// </summary>
    public double Run(int iterations, Action<int, LossTerms>? report = null, int reportEvery = 100, CancellationToken cancellation = default)
    {
        var end = Math.Min(_options.Iterations, IterationsDone + iterations);
        var sum = 0.0;
        var count = 0;
        _flow.train();
        while (IterationsDone < end)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var index = randint(_train.shape[0], [_options.BatchSize], generator: _generator);
            var terms = _losses.Evaluate(_flow, _train[index], _trainForce[index], _energy.Energy, _options.KlBatchSize, _generator);
            var loss = terms.Total.ToDouble();
            if (!double.IsFinite(loss))
                throw new TrainingFailedException($"Non-finite loss at iteration {IterationsDone + 1} (NLL {terms.Nll}, KL {terms.Kl}, FM {terms.ForceMatching}).");
            _adam.ZeroGrad();
            terms.Total.backward();
            _adam.Update(_options.LearningRate, beta1: 0.9);
            IterationsDone++;
            sum += loss;
            count++;
            if (report is not null && (IterationsDone % reportEvery == 0 || IterationsDone == _options.Iterations))
                report(IterationsDone, terms);
        }
        _flow.eval();
        return count > 0 ? sum / count : double.NaN;
    }

    /// <summary>−mean log q on the held-out samples (no graph).</summary>
    public double HeldOutNll()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return -_flow.LogProb(_heldOut).mean().ToDouble();
    }

    public void Save(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(IterationsDone);
        writer.Write(_adam.Step);
        _flow.save(writer);
        var moments = _adam.StateTensors;
        writer.Write(moments.Count);
        foreach (var m in moments)
            TrainerCheckpoint.WriteFloats(writer, m);
        using var generatorState = _generator.get_state();
        var bytes = generatorState.data<byte>().ToArray();
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    public void Restore(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        if (reader.ReadString() != Magic)
            throw new InvalidDataException("Not a smooth-flow checkpoint.");
        if (reader.ReadInt32() is var version && version != Version)
            throw new InvalidDataException($"Smooth-flow checkpoint version {version} is not supported (expected {Version}).");
        var (done, step) = (reader.ReadInt32(), reader.ReadInt64());
        _flow.load(reader);
        var moments = Enumerable.Range(0, reader.ReadInt32()).Select(_ => TrainerCheckpoint.ReadFloats(reader)).ToList();
        try
        {
            _adam.Restore(moments, step);
        }
        finally
        {
            moments.ForEach(m => m.Dispose());
        }
        using var generatorState = tensor(reader.ReadBytes(reader.ReadInt32()), dtype: ScalarType.Byte);
        _generator.set_state(generatorState);
        IterationsDone = done;
    }

    public void Dispose()
    {
        _losses.Dispose();
        _adam.Dispose();
        _train.Dispose();
        _trainForce.Dispose();
        _heldOut.Dispose();
    }
}
