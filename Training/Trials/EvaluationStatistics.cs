using Orchestrator.Training.Data;
using Orchestrator.Training.Flows;
using static TorchSharp.torch;

namespace Orchestrator.Training.Trials;

/// <summary>
/// What evaluating a finished training needs beside its weights: the z-scoring statistics of its training rows, the
/// validation scores of its final weights and how many simulations it dropped. Appended to the final checkpoint, after
/// the trainer's part (which resuming reads and stops before), so an evaluation shard reloads the trained model without
/// simulating the training set again. Checkpoints written before these were stored end after the trainer's part.
/// </summary>
internal sealed record EvaluationStatistics(double[] ThetaMean, double[] ThetaStd, double[] XMean, double[] XStd,
    ValidationScores Validation, int DroppedSimulations)
{
    private const string Magic = "FFF-EVAL";
    private const int Version = 1;

    /// <summary>
    /// Judges the final weights on the validation rows and appends the statistics to the checkpoint being written;
    /// returns the scores, which the trial reports without computing them again.
    /// </summary>
    public static ValidationScores Append(Stream checkpoint, FreeFormFlow flow, TrialData data)
    {
        var validation = ValidationScores.Of(flow, data);
        new EvaluationStatistics(Values(data.ThetaScale.Mean), Values(data.ThetaScale.Std), Values(data.XScale.Mean), Values(data.XScale.Std),
            validation, data.Dropped).Write(checkpoint);
        return validation;
    }

    /// <summary>The statistics that follow the trainer's part, or null when the checkpoint ends there (written before they were stored).</summary>
    public static EvaluationStatistics? TryRead(Stream checkpoint)
    {
        if (checkpoint.Position >= checkpoint.Length)
            return null;
        using var reader = new BinaryReader(checkpoint, System.Text.Encoding.UTF8, leaveOpen: true);
        if (reader.ReadString() != Magic)
            throw new InvalidDataException("The checkpoint's trailer is not a free-form flow's evaluation statistics.");
        var version = reader.ReadInt32();
        if (version != Version)
            throw new InvalidDataException($"Evaluation statistics version {version} is not supported (expected {Version}).");
        var (thetaMean, thetaStd, xMean, xStd) = (ReadValues(reader), ReadValues(reader), ReadValues(reader), ReadValues(reader));
        var validation = new ValidationScores(reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble());
        return new EvaluationStatistics(thetaMean, thetaStd, xMean, xStd, validation, reader.ReadInt32());
    }

    /// <summary>θ's z-scoring, as fitted on the training rows (float64 [1, D], as <see cref="Standardizer.Fit"/> makes it).</summary>
    public Standardizer ThetaScale() => Scale(ThetaMean, ThetaStd);

    /// <summary>x's z-scoring, as fitted on the training rows.</summary>
    public Standardizer XScale() => Scale(XMean, XStd);

    private void Write(Stream checkpoint)
    {
        using var writer = new BinaryWriter(checkpoint, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        foreach (var values in new[] { ThetaMean, ThetaStd, XMean, XStd })
            WriteValues(writer, values);
        writer.Write(Validation.Nll);
        writer.Write(Validation.NllEncoder);
        writer.Write(Validation.Reconstruction);
        writer.Write(DroppedSimulations);
    }

    // Exact: the statistics are float64, so evaluation from the checkpoint samples exactly as right after training.
    private static double[] Values(Tensor t)
    {
        using var cpu = t.to(float64).cpu();
        return cpu.data<double>().ToArray();
    }

    private static Standardizer Scale(double[] mean, double[] std) =>
        new(tensor(mean, [1, mean.Length], float64), tensor(std, [1, std.Length], float64));

    private static void WriteValues(BinaryWriter writer, double[] values)
    {
        writer.Write(values.Length);
        foreach (var v in values)
            writer.Write(v);
    }

    private static double[] ReadValues(BinaryReader reader)
    {
        var values = new double[reader.ReadInt32()];
        for (var i = 0; i < values.Length; i++)
            values[i] = reader.ReadDouble();
        return values;
    }
}
