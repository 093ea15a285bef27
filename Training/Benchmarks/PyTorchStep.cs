using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Training.Benchmarks;

/// <summary>What tools/bench/fff_step.py measured: wall and CPU seconds per step, and the PyTorch and BLAS it ran on.</summary>
/// <param name="PhasesMs">CPU ms per step in each phase (gather, loss, loss_value, backward, update) when profiled; else null.</param>
public sealed record PyTorchStepResult(StepTiming Step, string TorchVersion, string Blas, int Threads, IReadOnlyDictionary<string, double>? PhasesMs = null);

/// <summary>
/// Runs the PyTorch reference step (tools/bench/fff_step.py, embedded in this assembly) with Debian's /usr/bin/python3 and
/// python3-torch. Debian's PyTorch uses the system BLAS; when OpenBLAS (libopenblas0-pthread) is installed it is loaded
/// for this process (LD_LIBRARY_PATH), since the default reference BLAS would make any comparison meaningless.
/// </summary>
public static class PyTorchStep
{
    public const string DefaultPython = "/usr/bin/python3";
    private const string ScriptResource = "fff_step.py";
    private const string OpenBlasFolder = "/usr/lib/x86_64-linux-gnu/openblas-pthread";
    private const string InstallHint = "install it with: apt-get install -y python3-torch libopenblas0-pthread";

    public static PyTorchStepResult Run(int batch, int threads, int steps, string device = "cpu", string python = DefaultPython, TimeSpan? timeout = null,
        bool profile = false)
    {
        if (!File.Exists(python))
            throw new InvalidOperationException($"The PyTorch reference step needs {python}, which does not exist; {InstallHint}.");
        var directory = Directory.CreateTempSubdirectory("fff-step-");
        try
        {
            var script = Path.Combine(directory.FullName, ScriptResource);
            File.WriteAllText(script, ReadScript());
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { script, "--batch", Text(batch), "--threads", Text(threads), "--steps", Text(steps), "--warmup", Text(steps), "--device", device })
                start.ArgumentList.Add(argument);
            if (profile)
                start.ArgumentList.Add("--profile");
            foreach (var variable in new[] { "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS" })
                start.Environment[variable] = Text(threads);
            if (Directory.Exists(OpenBlasFolder))
                start.Environment["LD_LIBRARY_PATH"] = OpenBlasFolder;
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {python}.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(10)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"The PyTorch reference step did not finish within {timeout}.");
            }
            process.WaitForExit();
            var line = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
            if (process.ExitCode != 0 || line is null)
            {
                var error = stderr.Result.Trim();
                var hint = error.Contains("No module named 'torch'") ? $"; {InstallHint}" : "";
                throw new InvalidOperationException($"The PyTorch reference step failed (exit code {process.ExitCode}){hint}: {Tail(error)}");
            }
            var root = JsonDocument.Parse(line).RootElement;
            var step = new StepTiming(root.GetProperty("step_seconds").GetDouble(), root.GetProperty("step_cpu_seconds").GetDouble());
            var phases = root.TryGetProperty("phases_ms", out var p) && p.ValueKind == JsonValueKind.Object
                ? p.EnumerateObject().ToDictionary(e => e.Name, e => e.Value.GetDouble())
                : null;
            return new PyTorchStepResult(step, root.GetProperty("torch").GetString() ?? "?",
                root.GetProperty("blas").GetString() ?? "?", root.GetProperty("threads").GetInt32(), phases);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The reference script's text (tools/bench/fff_step.py, embedded at build time).</summary>
    public static string ReadScript()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ScriptResource)
            ?? throw new InvalidOperationException($"The embedded resource {ScriptResource} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Tail(string text) => text.Length <= 2000 ? text : "…" + text[^2000..];
}
