using System.Globalization;
using System.Text;

namespace Orchestrator.Contracts.Sweeps;

/// <summary>
/// The sweep summary as CSV: one row per trial, its final metrics (columns named as the workload declares them, the
/// objective first) and parameters as columns (summary.csv, <c>results --csv</c>, the SDK).
/// </summary>
public static class SummaryCsv
{
    public static string Write(SweepResults results)
    {
        var parameters = results.Trials.SelectMany(t => t.Parameters.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var csv = new StringBuilder();
        var metrics = results.Metrics.Select(m => m.Name).ToList();
        csv.AppendLine(Header(metrics, parameters));
        foreach (var t in results.Trials)
            csv.AppendLine(Row(t, metrics, parameters));
        return csv.ToString();
    }

    /// <summary>
    /// Streams rows as they come (an export of any size): metric columns as <paramref name="metricColumns"/> names them (the
    /// results' <see cref="SweepResults.Metrics"/>), parameter columns following the first row's parameters.
    /// </summary>
    public static async Task WriteAsync(TextWriter output, IReadOnlyList<MetricColumn> metricColumns, IAsyncEnumerable<TrialRow> trials,
        CancellationToken cancellation = default)
    {
        var metrics = metricColumns.Select(m => m.Name).ToList();
        List<string>? parameters = null;
        await foreach (var t in trials.WithCancellation(cancellation))
        {
            if (parameters is null)
            {
                // A trial's parameter map is complete (defaults filled in), so every row has the same keys.
                parameters = [.. t.Parameters.Keys.Order(StringComparer.Ordinal)];
                await output.WriteLineAsync(Header(metrics, parameters));
            }
            await output.WriteLineAsync(Row(t, metrics, parameters));
        }
        if (parameters is null)
            await output.WriteLineAsync(Header(metrics, []));
    }

    private static string Header(IEnumerable<string> metrics, IEnumerable<string> parameters) =>
        string.Join(',', new[] { "config_hash", "group_hash", "status", "attempt" }.Concat(metrics).Append("reason").Concat(parameters));

    private static string Row(TrialRow t, IEnumerable<string> metrics, IEnumerable<string> parameters) => string.Join(',', new[]
    {
        t.ConfigHash, t.GroupHash, t.Status.ToString(), t.Attempt.ToString(CultureInfo.InvariantCulture),
    }.Concat(metrics.Select(m => F(t.Metric(m)))).Append(Quote(t.Reason ?? ""))
        .Concat(parameters.Select(p => t.Parameters.TryGetValue(p, out var v) ? Quote(v.ToString()) : "")));

    private static string F(double v) => double.IsFinite(v) ? v.ToString("G6", CultureInfo.InvariantCulture) : "";

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') || s.Contains('\n') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
