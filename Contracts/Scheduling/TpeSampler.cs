using Orchestrator.Contracts.Specs;

namespace Orchestrator.Contracts.Scheduling;

/// <summary>
/// Tree-structured Parzen estimator (Bergstra et al. 2011), independent per dimension: after <c>startup</c> seeded
/// random draws, the observed configurations are split at the γ-quantile of their losses into good and bad; each is
/// a Parzen mixture (Gaussian kernels in the dimension's space — log space for log-uniform, index space for integer
/// ranges — plus a broad prior; category counts plus one for choices); of <c>candidates</c> draws from the good
/// mixture the one with the largest l(x)/g(x) is taken. Trials an early-stopping policy stopped are observations too,
/// ranked below every completed trial, the later stopped before the earlier, then by their loss at the epoch they were
/// judged at (Optuna's rule for pruned trials: a rung value is not comparable with a final objective, often not even the
/// same metric, but a stopped trial lost a comparison that every completed one won; <see cref="Ranked"/>).
/// Configurations still running count as bad (a "constant liar"),
/// and no configuration observed or running is drawn twice, so parallel workers never get duplicates. Deterministic:
/// the same history and draw number give the same configuration.
/// </summary>
public sealed class TpeSampler(IReadOnlyList<KeyValuePair<string, SearchDimension>> dimensions, long seed, int startup,
    double gamma = 0.25, int candidates = 24)
{
    /// <summary>A configuration of the searched parameters and its loss (smaller is better).</summary>
    /// <param name="StoppedAt">Null for a completed trial (<paramref name="Loss"/> is its objective); else the epoch an
    /// early-stopping policy stopped it at, <paramref name="Loss"/> being its value there in the scheduler's metric (NaN
    /// when it diverged).</param>
    public sealed record Observation(IReadOnlyDictionary<string, ParamValue> Configuration, double Loss, int? StoppedAt = null);

    private const int RandomTries = 200;

    /// <summary>The next configuration, or null when every try gave one already observed or running (a small space is used up).</summary>
    /// <param name="draw">How many configurations were drawn before (seeds the draw).</param>
    public IReadOnlyDictionary<string, ParamValue>? Next(IReadOnlyList<Observation> observed, IReadOnlyList<IReadOnlyDictionary<string, ParamValue>> running, long draw)
    {
        var random = new Random(unchecked((int)(seed * 1_000_003 + draw * 7_919)));
        var taken = observed.Select(o => Key(o.Configuration)).Concat(running.Select(Key)).ToHashSet(StringComparer.Ordinal);
        var ranked = Ranked(observed);
        if (ranked.Count >= Math.Max(2, startup))
        {
            var good = ranked.Take(Math.Max(1, (int)Math.Ceiling(gamma * ranked.Count))).Select(o => o.Configuration).ToList();
            var bad = ranked.Skip(good.Count).Select(o => o.Configuration).Concat(running).ToList();
            var best = Enumerable.Range(0, candidates)
                .Select(_ => dimensions.ToDictionary(d => d.Key, d => Sample(d.Value, Points(d, good), random), StringComparer.Ordinal))
                .Where(c => !taken.Contains(Key(c)))
                .MaxBy(c => dimensions.Sum(d => LogDensity(d.Value, Points(d, good), Coordinate(d.Value, c[d.Key]))
                    - LogDensity(d.Value, Points(d, bad), Coordinate(d.Value, c[d.Key]))));
            if (best is not null)
                return best;
        }
        for (var i = 0; i < RandomTries; i++)
        {
            var configuration = dimensions.ToDictionary(d => d.Key, d => Sample(d.Value, [], random), StringComparer.Ordinal);
            if (!taken.Contains(Key(configuration)))
                return configuration;
        }
        return null;
    }

    /// <summary>
    /// Best first: completed trials by loss (those without a finite one are left out), then stopped trials, those stopped
    /// at a later epoch first, each epoch's by loss (a diverged one last).
    /// </summary>
    public static IReadOnlyList<Observation> Ranked(IEnumerable<Observation> observed) =>
        [.. observed.Where(o => o.StoppedAt is not null || double.IsFinite(o.Loss))
            .OrderBy(o => o.StoppedAt is null ? 0 : 1)
            .ThenByDescending(o => o.StoppedAt ?? 0)
            .ThenBy(o => double.IsNaN(o.Loss) ? double.PositiveInfinity : o.Loss)];

    private static List<double> Points(KeyValuePair<string, SearchDimension> dimension, IEnumerable<IReadOnlyDictionary<string, ParamValue>> configurations) =>
        [.. configurations.Where(c => c.ContainsKey(dimension.Key)).Select(c => Coordinate(dimension.Value, c[dimension.Key]))];

    /// <summary>A value in the dimension's own space: log for log-uniform, an index for lists, choices and integer ranges.</summary>
    private static double Coordinate(SearchDimension d, ParamValue value) => d.Kind switch
    {
        SearchKind.Uniform => value.AsDouble(),
        SearchKind.LogUniform => Math.Log(value.AsDouble()),
        SearchKind.IntRange => Math.Round((value.AsDouble() - d.Low) / (d.Step ?? 1)),
        _ => d.Values.ToList().IndexOf(value),
    };

    private static (double Low, double High) Range(SearchDimension d) => d.Kind switch
    {
        SearchKind.Uniform => (d.Low, d.High),
        SearchKind.LogUniform => (Math.Log(d.Low), Math.Log(d.High)),
        SearchKind.IntRange => (-0.5, Math.Floor((d.High - d.Low) / (d.Step ?? 1)) + 0.5),
        _ => (0, d.Values.Count),
    };

    /// <summary>A draw from the dimension's Parzen mixture over <paramref name="points"/> (uniform when there are none).</summary>
    private static ParamValue Sample(SearchDimension d, List<double> points, Random random)
    {
        var (low, high) = Range(d);
        if (d.IsEnumerated)
        {
            // Counts plus one per category.
            var weights = Enumerable.Range(0, d.Values.Count).Select(i => 1.0 + points.Count(p => (int)p == i)).ToList();
            var u = random.NextDouble() * weights.Sum();
            for (var i = 0; i < weights.Count; i++)
            {
                if ((u -= weights[i]) <= 0)
                    return d.Values[i];
            }
            return d.Values[^1];
        }
        double x;
        if (points.Count == 0)
        {
            x = low + random.NextDouble() * (high - low);
        }
        else
        {
            var (centres, widths) = Kernels(points, low, high);
            var k = random.Next(centres.Count);
            x = Math.Clamp(centres[k] + widths[k] * Normal(random), low, high);
        }
        return d.Kind switch
        {
            SearchKind.Uniform => ParamValue.Of(Round(x)),
            SearchKind.LogUniform => ParamValue.Of(Round(Math.Exp(x))),
            _ => ParamValue.Of((long)(d.Low + Math.Clamp(Math.Round(x), 0, high - 0.5) * (d.Step ?? 1))),
        };
    }

    private static double LogDensity(SearchDimension d, List<double> points, double x)
    {
        if (d.IsEnumerated)
            return Math.Log((1.0 + points.Count(p => (int)p == (int)x)) / (d.Values.Count + points.Count));
        var (low, high) = Range(d);
        var (centres, widths) = Kernels(points, low, high);
        var density = centres.Select((c, i) => Math.Exp(-0.5 * Math.Pow((x - c) / widths[i], 2)) / widths[i]).Sum() / centres.Count;
        return Math.Log(Math.Max(density, 1e-300));
    }

    /// <summary>A broad prior kernel at the middle, and one per point as wide as its larger gap to a neighbour (clipped).</summary>
    private static (List<double> Centres, List<double> Widths) Kernels(List<double> points, double low, double high)
    {
        var span = high - low;
        var sorted = points.Append((low + high) / 2).Order().ToList();
        var minWidth = span / Math.Min(100, sorted.Count + 1);
        var centres = new List<double> { (low + high) / 2 };
        var widths = new List<double> { span };
        foreach (var p in points)
        {
            var i = sorted.IndexOf(p);
            var left = i > 0 ? p - sorted[i - 1] : p - low;
            var right = i < sorted.Count - 1 ? sorted[i + 1] - p : high - p;
            centres.Add(p);
            widths.Add(Math.Clamp(Math.Max(left, right), minWidth, span));
        }
        return (centres, widths);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    // As the expander rounds continuous draws: stable across platforms, readable.
    private static double Round(double value) => value == 0 ? 0 : Math.Round(value, Math.Clamp(SweepExpander.SignificantDigits - 1 - (int)Math.Floor(Math.Log10(Math.Abs(value))), 0, 15));

    private static string Key(IReadOnlyDictionary<string, ParamValue> configuration) =>
        string.Join('\u001f', configuration.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.ToCanonical()}"));
}
