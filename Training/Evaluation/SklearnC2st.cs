using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace Orchestrator.Training.Evaluation;

/// <summary>Result of scikit-learn's C2ST: mean accuracy, per-fold accuracies and epochs, and its own wall and CPU time.</summary>
public sealed record SklearnC2stResult(double Accuracy, IReadOnlyList<double> FoldAccuracies, IReadOnlyList<int> FoldEpochs, double Seconds, double CpuSeconds, string SklearnVersion);

/// <summary>
/// Runs the reference C2ST (sbibm's protocol with scikit-learn's MLPClassifier) through Debian's
/// /usr/bin/python3 and python3-sklearn: writes both samples to temporary CSV files, runs tools/sklearn_c2st.py
/// (embedded in this assembly) and parses its JSON answer. BLAS is pinned to one thread, as in sbibm's timings.
/// </summary>
public static class SklearnC2st
{
    /// <summary>The interpreter that has python3-sklearn (the pyenv python3 first on PATH usually does not).</summary>
    public const string DefaultPython = "/usr/bin/python3";

    private const string ScriptResource = "sklearn_c2st.py";
    private const string InstallHint = "install it with: apt-get install -y python3-sklearn";

    /// <summary>Runs sklearn's C2ST on reference [n, d] and model [m, d] samples.</summary>
    public static SklearnC2stResult Run(Tensor reference, Tensor model, int seed = 1, int folds = 5, string python = DefaultPython, TimeSpan? timeout = null)
    {
        if (!File.Exists(python))
            throw new InvalidOperationException($"The scikit-learn reference C2ST needs {python}, which does not exist; {InstallHint}.");

        var directory = Directory.CreateTempSubdirectory("c2st-sklearn-");
        try
        {
            var script = Path.Combine(directory.FullName, ScriptResource);
            File.WriteAllText(script, ReadScript());
            var xPath = Path.Combine(directory.FullName, "x.csv");
            var yPath = Path.Combine(directory.FullName, "y.csv");
            WriteCsv(reference, xPath);
            WriteCsv(model, yPath);

            var start = new ProcessStartInfo(python)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { script, xPath, yPath, "--seed", seed.ToString(CultureInfo.InvariantCulture), "--folds", folds.ToString(CultureInfo.InvariantCulture) })
                start.ArgumentList.Add(argument);
            foreach (var variable in new[] { "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS" })
                start.Environment[variable] = "1";

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {python}.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? Timeout.InfiniteTimeSpan))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"scikit-learn's C2ST did not finish within {timeout}.");
            }
            return Parse(stdout.Result, stderr.Result, process.ExitCode, python);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The reference script's text (tools/sklearn_c2st.py, embedded at build time).</summary>
    public static string ReadScript()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ScriptResource)
            ?? throw new InvalidOperationException($"The embedded resource {ScriptResource} is missing from {Assembly.GetExecutingAssembly().GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static SklearnC2stResult Parse(string stdout, string stderr, int exitCode, string python)
    {
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        JsonElement root = default;
        var parsed = false;
        if (line is not null)
        {
            try
            {
                root = JsonDocument.Parse(line).RootElement;
                parsed = root.ValueKind == JsonValueKind.Object;
            }
            catch (JsonException)
            {
            }
        }
        if (parsed && root.TryGetProperty("error", out var error))
            throw new InvalidOperationException($"{python} could not run the scikit-learn C2ST ({error.GetString()}); {InstallHint}.");
        if (exitCode != 0 || !parsed)
            throw new InvalidOperationException($"The scikit-learn C2ST failed (exit code {exitCode}): {Tail(stderr)}{Tail(stdout)}");

        return new SklearnC2stResult(
            root.GetProperty("accuracy").GetDouble(),
            [.. root.GetProperty("fold_accuracies").EnumerateArray().Select(e => e.GetDouble())],
            [.. root.GetProperty("fold_epochs").EnumerateArray().Select(e => e.GetInt32())],
            root.GetProperty("seconds").GetDouble(),
            root.TryGetProperty("cpu_seconds", out var cpu) ? cpu.GetDouble() : double.NaN,
            root.GetProperty("sklearn_version").GetString() ?? "?");
    }

    private static void WriteCsv(Tensor samples, string path)
    {
        if (samples.dim() != 2)
            throw new ArgumentException($"Samples must be [n, d]; got {samples.dim()} dimensions.");
        using var cpu = samples.to(ScalarType.Float64, CPU).contiguous();
        var values = cpu.data<double>().ToArray();
        var dim = (int)cpu.shape[1];
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        var line = new StringBuilder();
        for (var i = 0; i < values.Length; i += dim)
        {
            line.Clear();
            for (var j = 0; j < dim; j++)
            {
                if (j > 0)
                    line.Append(',');
                line.Append(values[i + j].ToString("R", CultureInfo.InvariantCulture));
            }
            writer.WriteLine(line);
        }
    }

    private static string Tail(string text) => text.Length <= 2000 ? text.Trim() : "…" + text[^2000..].Trim();
}
