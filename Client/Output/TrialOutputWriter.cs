using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Training.Trials;

namespace Orchestrator.Client.Output;

/// <summary>
/// Writes a trial's outputs to a directory: result.json (config, C2ST per observation, NLL, timings, history),
/// posterior_obs{k}.csv.gz (samples in original units, header parameter_1..D as in sbibm) and history.csv.
/// </summary>
public static class TrialOutputWriter
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public static void Write(string directory, TrialResult result)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "result.json"), JsonSerializer.Serialize(result, Json));
        foreach (var observation in result.Observations)
            WriteSamples(Path.Combine(directory, $"posterior_obs{observation.Observation}.csv.gz"), observation.Samples);
        WriteHistory(Path.Combine(directory, "history.csv"), result);
    }

    public static void WriteSamples(string path, PosteriorSamples samples)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        using var writer = new StreamWriter(gzip, new UTF8Encoding(false));
        writer.WriteLine(string.Join(',', Enumerable.Range(1, samples.Dim).Select(i => $"parameter_{i}")));
        var row = new string[samples.Dim];
        for (var r = 0; r < samples.Count; r++)
        {
            for (var d = 0; d < samples.Dim; d++)
                row[d] = samples.Values[r * samples.Dim + d].ToString("R", CultureInfo.InvariantCulture);
            writer.WriteLine(string.Join(',', row));
        }
    }

    private static void WriteHistory(string path, TrialResult result)
    {
        var lines = new List<string> { "epoch,train_loss,val_nll,val_reconstruction,lr,step_seconds,skipped_batches" };
        lines.AddRange(result.History.Select(e => string.Join(',',
            e.Epoch.ToString(CultureInfo.InvariantCulture), F(e.TrainLoss), F(e.ValidationNll), F(e.ValidationReconstruction),
            F(e.LearningRate), F(e.StepSeconds), e.SkippedBatches.ToString(CultureInfo.InvariantCulture))));
        File.WriteAllLines(path, lines);
    }

    private static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
