using Orchestrator.Training.Flows;
using static TorchSharp.torch;

namespace Orchestrator.Training.Optimization;

/// <summary>
/// Binary checkpoint of a training run: header, counters, model parameters (TorchSharp's format),
/// Adam moments, the generator state and the per-epoch history (so a resumed run reports every epoch). Versioned so that a stale format fails with a clear message.
/// A finished training's checkpoint is followed by its evaluation statistics (<see cref="Trials.EvaluationStatistics"/>), which readers here stop before.
/// </summary>
public static class TrainerCheckpoint
{
    private const string Magic = "FFF-CKPT";
    private const int Version = 2;

    public sealed record State(int EpochsDone, long OptimizerStep, int SkippedBatches, int ConsecutiveNonFinite,
        IReadOnlyList<EpochProgress> History);

    public static void Write(Stream stream, State state, FreeFormFlow flow, AdamL2 adam, Generator rng)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(state.EpochsDone);
        writer.Write(state.OptimizerStep);
        writer.Write(state.SkippedBatches);
        writer.Write(state.ConsecutiveNonFinite);
        flow.save(writer);
        var moments = adam.StateTensors;
        writer.Write(moments.Count);
        foreach (var m in moments)
            WriteFloats(writer, m);
        using var generatorState = rng.get_state();
        var bytes = generatorState.data<byte>().ToArray();
        writer.Write(bytes.Length);
        writer.Write(bytes);
        WriteHistory(writer, state.History);
    }

    public static State Read(Stream stream, FreeFormFlow flow, AdamL2 adam, Generator rng) =>
        Read(stream, flow, adam.Restore, bytes =>
        {
            using var generatorState = tensor(bytes, dtype: ScalarType.Byte);
            rng.set_state(generatorState);
        });

    /// <summary>
    /// Restores only the model's weights (to evaluate a finished training): the optimizer's moments and the generator's
    /// state are read past. Leaves <paramref name="stream"/> right after the checkpoint (where a trailer may follow).
    /// </summary>
    public static State ReadWeights(Stream stream, FreeFormFlow flow) => Read(stream, flow, (_, _) => { }, _ => { });

    private static State Read(Stream stream, FreeFormFlow flow, Action<List<Tensor>, long> restoreMoments, Action<byte[]> restoreGenerator)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        if (reader.ReadString() != Magic)
            throw new InvalidDataException("Not a free-form flow checkpoint.");
        var version = reader.ReadInt32();
        if (version != Version)
            throw new InvalidDataException($"Checkpoint format version {version} is not supported (expected {Version}).");
        var (epochsDone, step, skipped, consecutive) = (reader.ReadInt32(), reader.ReadInt64(), reader.ReadInt32(), reader.ReadInt32());
        flow.load(reader);
        var count = reader.ReadInt32();
        var moments = new List<Tensor>(count);
        try
        {
            for (var i = 0; i < count; i++)
                moments.Add(ReadFloats(reader));
            restoreMoments(moments, step);
        }
        finally
        {
            moments.ForEach(m => m.Dispose());
        }
        restoreGenerator(reader.ReadBytes(reader.ReadInt32()));
        return new State(epochsDone, step, skipped, consecutive, ReadHistory(reader));
    }

    private static void WriteHistory(BinaryWriter writer, IReadOnlyList<EpochProgress> history)
    {
        writer.Write(history.Count);
        foreach (var e in history)
        {
            writer.Write(e.Epoch);
            writer.Write(e.Epochs);
            writer.Write(e.TrainLoss);
            writer.Write(e.ValidationNll);
            writer.Write(e.ValidationReconstruction);
            writer.Write(e.LearningRate);
            writer.Write(e.StepSeconds);
            writer.Write(e.SkippedBatches);
        }
    }

    private static List<EpochProgress> ReadHistory(BinaryReader reader)
    {
        var history = new List<EpochProgress>(reader.ReadInt32());
        for (var i = history.Capacity; i > 0; i--)
        {
            history.Add(new EpochProgress(reader.ReadInt32(), reader.ReadInt32(), reader.ReadDouble(), reader.ReadDouble(),
                reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadInt32()));
        }
        return history;
    }

    /// <summary>A tensor as float32 values with its shape (also used by other trainers' checkpoints).</summary>
    internal static void WriteFloats(BinaryWriter writer, Tensor t)
    {
        writer.Write(t.shape.Length);
        foreach (var d in t.shape)
            writer.Write(d);
        using var cpu = t.to(float32).cpu();
        foreach (var v in cpu.data<float>())
            writer.Write(v);
    }

    internal static Tensor ReadFloats(BinaryReader reader)
    {
        var shape = new long[reader.ReadInt32()];
        for (var i = 0; i < shape.Length; i++)
            shape[i] = reader.ReadInt64();
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (var i = 0; i < values.Length; i++)
            values[i] = reader.ReadSingle();
        return tensor(values).reshape(shape);
    }
}
