using System.Text.Json;
using static TorchSharp.torch;

namespace Orchestrator.Training.Evaluation;

/// <summary>One C2ST run in the benchmark: accuracy, wall seconds, process CPU seconds and each fold's epochs.</summary>
public sealed record C2stMeasurement(double Accuracy, double Seconds, double CpuSeconds, IReadOnlyList<int> Epochs);

/// <summary>
/// One benchmark case: our C2ST (fast default and/or exact sklearn protocol) next to scikit-learn's on the same
/// pair of samples. CPU seconds are less sensitive to other load on a shared machine than wall seconds.
/// </summary>
public sealed record C2stBenchmarkRow(string Case, int Dim, int N, C2stMeasurement? Fast, C2stMeasurement? Exact, C2stMeasurement? Sklearn)
{
    /// <summary>|fast − sklearn| accuracy, when both ran.</summary>
    public double? FastDifference => Fast is null || Sklearn is null ? null : Math.Abs(Fast.Accuracy - Sklearn.Accuracy);

    /// <summary>|exact − sklearn| accuracy, when both ran.</summary>
    public double? ExactDifference => Exact is null || Sklearn is null ? null : Math.Abs(Exact.Accuracy - Sklearn.Accuracy);

    /// <summary>sklearn wall seconds / fast wall seconds.</summary>
    public double? FastSpeedup => Fast is null || Sklearn is null ? null : Sklearn.Seconds / Fast.Seconds;
}

/// <summary>
/// Compares <see cref="C2st"/> with scikit-learn's C2ST (<see cref="SklearnC2st"/>) on fixed Gaussian sample
/// pairs, n reference vs n model samples, all with reference N(0, Σ): "same" draws the model sample from the same
/// distribution (different draws; the answer should be 0.5), "moderate" from N(0.3, 1.1²Σ) (accuracy ≈ 0.6–0.8),
/// "different" from N(0.5, 1.2²Σ) (clearly distinguishable). Σ has unit variances and correlation 0.5 between
/// neighbouring coordinates, so the pairs look like posteriors.
/// </summary>
public static class C2stBenchmark
{
    /// <summary>The cases run by default: 2- and 10-dimensional, near-identical, moderately and clearly different.</summary>
    public static readonly IReadOnlyList<string> DefaultCases = ["2d-same", "2d-moderate", "2d-different", "10d-same", "10d-moderate", "10d-different"];

    /// <summary>
    /// Runs the cases ("&lt;d&gt;d-same", "&lt;d&gt;d-moderate" or "&lt;d&gt;d-different", any d ≥ 1): our fast default
    /// when <paramref name="fast"/>, the exact sklearn protocol when <paramref name="exact"/>, and sklearn when
    /// <paramref name="runSklearn"/> (its 10-dimensional runs take many minutes). sklearn results are stored in
    /// and reused from <paramref name="sklearnCache"/> (a folder; null = no cache). A sklearn run longer than
    /// <paramref name="sklearnTimeout"/> is stopped and its row has no sklearn numbers.
    /// </summary>
    public static IReadOnlyList<C2stBenchmarkRow> Run(
        int n = 10_000,
        IEnumerable<string>? cases = null,
        bool runSklearn = true,
        Action<string>? progress = null,
        C2stOptions? options = null,
        int dataSeed = 0,
        TimeSpan? sklearnTimeout = null,
        bool fast = true,
        bool exact = false,
        string? sklearnCache = null)
    {
        if (n < 10)
            throw new ArgumentOutOfRangeException(nameof(n), n, "The benchmark needs at least 10 samples per side.");
        options ??= new C2stOptions();
        var rows = new List<C2stBenchmarkRow>();
        foreach (var name in cases ?? DefaultCases)
        {
            var (dim, shift, scale) = ParseCase(name);
            using var scope = NewDisposeScope();
            var (reference, model) = Samples(dim, n, shift, scale, dataSeed);

            var fastRun = fast ? Ours(name, "fast", reference, model, options with { Protocol = C2stProtocol.Fast }, progress) : null;
            var exactRun = exact ? Ours(name, "exact", reference, model, options with { Protocol = C2stProtocol.Exact }, progress) : null;
            var sklearn = runSklearn ? Sklearn(name, n, dataSeed, reference, model, options, sklearnTimeout, sklearnCache, progress) : null;
            rows.Add(new C2stBenchmarkRow(name, dim, n, fastRun, exactRun, sklearn));
        }
        return rows;
    }

    /// <summary>The benchmark's pair of samples for a case, float64 [n, d] each, reproducible from the seed.</summary>
    public static (Tensor Reference, Tensor Model) Samples(int dim, int n, bool different, int seed = 0) =>
        Samples(dim, n, different ? 0.5 : 0.0, different ? 1.2 : 1.0, seed);

    /// <summary>Reference N(0, Σ) and model N(shift, scale²Σ), float64 [n, d] each, reproducible from the seed.</summary>
    public static (Tensor Reference, Tensor Model) Samples(int dim, int n, double shift, double scale, int seed = 0)
    {
        // The generator's seed depends only on whether the pair differs, so "same" keeps its historical samples.
        var different = shift != 0 || scale != 1;
        var generator = new Generator((ulong)(seed * 1000 + dim * 2 + (different ? 1 : 0)));
        using var cholesky = CorrelationCholesky(dim);
        using var zx = randn([n, dim], dtype: ScalarType.Float64, generator: generator);
        using var zy = randn([n, dim], dtype: ScalarType.Float64, generator: generator);
        var reference = zx.mm(cholesky.t());
        var model = zy.mm(cholesky.t());
        if (different)
            model.mul_(scale).add_(shift);
        return (reference, model);
    }

    /// <summary>Parses "10d-same" / "2d-moderate" / "2d-different" into (dimension, shift, scale).</summary>
    public static (int Dim, double Shift, double Scale) ParseCase(string name)
    {
        var parts = name.Trim().ToLowerInvariant().Split('-');
        if (parts.Length == 2 && parts[0].EndsWith('d') && int.TryParse(parts[0][..^1], out var dim) && dim >= 1)
        {
            switch (parts[1])
            {
                case "same": return (dim, 0.0, 1.0);
                case "moderate": return (dim, 0.3, 1.1);
                case "different": return (dim, 0.5, 1.2);
            }
        }
        throw new ArgumentException($"Unknown C2ST benchmark case '{name}': expected '<d>d-same', '<d>d-moderate' or '<d>d-different', e.g. {string.Join(", ", DefaultCases)}.");
    }

    private static C2stMeasurement Ours(string name, string label, Tensor reference, Tensor model, C2stOptions options, Action<string>? progress)
    {
        progress?.Invoke($"{name}: our C2ST ({label}) on {reference.shape[0]} vs {model.shape[0]} samples …");
        var cpuBefore = ProcessCpuSeconds();
        var result = C2st.Run(reference, model, options);
        var cpu = ProcessCpuSeconds() - cpuBefore;
        progress?.Invoke($"{name}: ours ({label}) {result.Accuracy:F4} in {result.Elapsed.TotalSeconds:F1} s ({cpu:F1} CPU s), epochs {string.Join(' ', result.Folds.Select(f => f.Epochs))}");
        return new C2stMeasurement(result.Accuracy, result.Elapsed.TotalSeconds, cpu, [.. result.Folds.Select(f => f.Epochs)]);
    }

    private static C2stMeasurement? Sklearn(string name, int n, int dataSeed, Tensor reference, Tensor model, C2stOptions options,
        TimeSpan? timeout, string? cache, Action<string>? progress)
    {
        var file = cache is null ? null : Path.Combine(cache, $"{name}-n{n}-data{dataSeed}-seed{options.Seed}-folds{options.Folds}.json");
        SklearnC2stResult? result = null;
        if (file is not null && File.Exists(file))
        {
            result = JsonSerializer.Deserialize<SklearnC2stResult>(File.ReadAllText(file));
            progress?.Invoke($"{name}: sklearn result reused from {file}");
        }
        if (result is null)
        {
            progress?.Invoke($"{name}: scikit-learn's C2ST (one core; minutes for d = 10) …");
            try
            {
                result = SklearnC2st.Run(reference, model, options.Seed, options.Folds, timeout: timeout);
            }
            catch (TimeoutException error)
            {
                progress?.Invoke($"{name}: {error.Message} (no sklearn numbers for this case)");
                return null;
            }
            if (file is not null)
            {
                Directory.CreateDirectory(cache!);
                File.WriteAllText(file, JsonSerializer.Serialize(result));
            }
        }
        progress?.Invoke($"{name}: sklearn {result.Accuracy:F4} in {result.Seconds:F1} s ({result.CpuSeconds:F1} CPU s), epochs {string.Join(' ', result.FoldEpochs)}");
        return new C2stMeasurement(result.Accuracy, result.Seconds, result.CpuSeconds, result.FoldEpochs);
    }

    private static double ProcessCpuSeconds()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    private static Tensor CorrelationCholesky(int dim)
    {
        using var covariance = eye(dim, dtype: ScalarType.Float64);
        for (var i = 0; i + 1 < dim; i++)
        {
            covariance[i, i + 1] = 0.5;
            covariance[i + 1, i] = 0.5;
        }
        return linalg.cholesky(covariance);
    }
}
