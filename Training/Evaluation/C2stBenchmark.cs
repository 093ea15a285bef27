using static TorchSharp.torch;

namespace Orchestrator.Training.Evaluation;

/// <summary>
/// One benchmark case: our C2ST next to scikit-learn's on the same pair of samples. Seconds are wall time;
/// CpuSeconds are process CPU time (less sensitive to other load on a shared machine). Speedup is the ratio
/// of wall times.
/// </summary>
public sealed record C2stBenchmarkRow(
    string Case,
    int Dim,
    int N,
    double Accuracy,
    double? SklearnAccuracy,
    double? AbsDifference,
    double Seconds,
    double? SklearnSeconds,
    double? Speedup,
    double CpuSeconds,
    double? SklearnCpuSeconds,
    IReadOnlyList<int> Epochs,
    IReadOnlyList<int>? SklearnEpochs);

/// <summary>
/// Compares <see cref="C2st"/> with scikit-learn's C2ST (<see cref="SklearnC2st"/>) on fixed Gaussian sample
/// pairs, n reference vs n model samples: "same" draws both from N(0, Σ) (different draws; the answer should
/// be 0.5), "different" draws the model sample from N(0.5, 1.2²Σ) (clearly distinguishable). Σ has unit
/// variances and correlation 0.5 between neighbouring coordinates, so the pairs look like posteriors.
/// </summary>
public static class C2stBenchmark
{
    /// <summary>The cases run by default: 2- and 10-dimensional, near-identical and clearly different.</summary>
    public static readonly IReadOnlyList<string> DefaultCases = ["2d-same", "2d-different", "10d-same", "10d-different"];

    /// <summary>
    /// Runs the cases ("&lt;d&gt;d-same" or "&lt;d&gt;d-different", any d ≥ 1). With <paramref name="runSklearn"/> false
    /// only our C2ST runs (sklearn's 10-dimensional runs take many minutes). Progress lines go to
    /// <paramref name="progress"/>. A sklearn run longer than <paramref name="sklearnTimeout"/> is stopped and its
    /// row has no sklearn numbers.
    /// </summary>
    public static IReadOnlyList<C2stBenchmarkRow> Run(
        int n = 10_000,
        IEnumerable<string>? cases = null,
        bool runSklearn = true,
        Action<string>? progress = null,
        C2stOptions? options = null,
        int dataSeed = 0,
        TimeSpan? sklearnTimeout = null)
    {
        if (n < 10)
            throw new ArgumentOutOfRangeException(nameof(n), n, "The benchmark needs at least 10 samples per side.");
        options ??= new C2stOptions();
        var rows = new List<C2stBenchmarkRow>();
        foreach (var name in cases ?? DefaultCases)
        {
            var (dim, different) = ParseCase(name);
            using var scope = NewDisposeScope();
            var (reference, model) = Samples(dim, n, different, dataSeed);

            progress?.Invoke($"{name}: our C2ST on {n} vs {n} samples …");
            var cpuBefore = ProcessCpuSeconds();
            var ours = C2st.Run(reference, model, options);
            var cpuSeconds = ProcessCpuSeconds() - cpuBefore;
            progress?.Invoke($"{name}: ours {ours.Accuracy:F4} in {ours.Elapsed.TotalSeconds:F1} s");

            SklearnC2stResult? sklearn = null;
            if (runSklearn)
            {
                progress?.Invoke($"{name}: scikit-learn's C2ST (one core; minutes for d = 10) …");
                try
                {
                    sklearn = SklearnC2st.Run(reference, model, options.Seed, options.Folds, timeout: sklearnTimeout);
                    progress?.Invoke($"{name}: sklearn {sklearn.Accuracy:F4} in {sklearn.Seconds:F1} s");
                }
                catch (TimeoutException error)
                {
                    progress?.Invoke($"{name}: {error.Message} (no sklearn numbers for this case)");
                }
            }

            var seconds = ours.Elapsed.TotalSeconds;
            rows.Add(new C2stBenchmarkRow(
                name, dim, n, ours.Accuracy,
                sklearn?.Accuracy,
                sklearn is null ? null : Math.Abs(ours.Accuracy - sklearn.Accuracy),
                seconds,
                sklearn?.Seconds,
                sklearn is null ? null : sklearn.Seconds / seconds,
                cpuSeconds,
                sklearn?.CpuSeconds,
                [.. ours.Folds.Select(f => f.Epochs)],
                sklearn?.FoldEpochs));
        }
        return rows;
    }

    /// <summary>The benchmark's pair of samples for a case, float64 [n, d] each, reproducible from the seed.</summary>
    public static (Tensor Reference, Tensor Model) Samples(int dim, int n, bool different, int seed = 0)
    {
        var generator = new Generator((ulong)(seed * 1000 + dim * 2 + (different ? 1 : 0)));
        using var cholesky = CorrelationCholesky(dim);
        using var zx = randn([n, dim], dtype: ScalarType.Float64, generator: generator);
        using var zy = randn([n, dim], dtype: ScalarType.Float64, generator: generator);
        var reference = zx.mm(cholesky.t());
        var model = zy.mm(cholesky.t());
        if (different)
        {
            model.mul_(1.2).add_(0.5);
        }
        return (reference, model);
    }

    /// <summary>Parses "10d-same" / "2d-different" into (dimension, different).</summary>
    public static (int Dim, bool Different) ParseCase(string name)
    {
        var parts = name.Trim().ToLowerInvariant().Split('-');
        if (parts.Length == 2 && parts[0].EndsWith('d') && int.TryParse(parts[0][..^1], out var dim) && dim >= 1
            && parts[1] is "same" or "different")
        {
            return (dim, parts[1] == "different");
        }
        throw new ArgumentException($"Unknown C2ST benchmark case '{name}': expected '<d>d-same' or '<d>d-different', e.g. {string.Join(", ", DefaultCases)}.");
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
