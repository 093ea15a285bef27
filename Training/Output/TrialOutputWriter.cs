using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Training.Trials;

namespace Orchestrator.Training.Output;

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

    public const string ResultFile = "result.json";

    public static void Write(string directory, TrialResult result)
    {
        foreach (var observation in result.Observations)
            WriteSamples(SamplesPath(directory, observation.Observation), observation.Samples);
        WriteResult(directory, result);
    }

    /// <summary>Writes result.json and history.csv only (samples written apart, e.g. one observation at a time); returns result.json's path.</summary>
    public static string WriteResult(string directory, TrialResult result)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, ResultFile);
        File.WriteAllText(path, JsonSerializer.Serialize(result, Json));
        WriteHistory(Path.Combine(directory, "history.csv"), result);
        return path;
    }

    /// <summary>Where an observation's posterior samples go: posterior_obs{k}.csv.gz.</summary>
    public static string SamplesPath(string directory, int observation) => Path.Combine(directory, $"posterior_obs{observation}.csv.gz");

    public static void WriteSamples(string path, PosteriorSamples samples)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
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
