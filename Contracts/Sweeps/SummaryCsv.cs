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
        csv.AppendLine(string.Join(',', new[] { "config_hash", "group_hash", "status", "attempt" }.Concat(metrics).Append("reason").Concat(parameters)));
        foreach (var t in results.Trials)
        {
            var cells = new[]
            {
                t.ConfigHash, t.GroupHash, t.Status.ToString(), t.Attempt.ToString(CultureInfo.InvariantCulture),
            }.Concat(metrics.Select(m => F(t.Metrics.TryGetValue(m, out var v) ? v : double.NaN))).Append(Quote(t.Reason ?? "")).Concat(parameters.Select(p => t.Parameters.TryGetValue(p, out var v) ? Quote(v.ToString()) : ""));
            csv.AppendLine(string.Join(',', cells));
        }
        return csv.ToString();
    }

    private static string F(double v) => double.IsFinite(v) ? v.ToString("G6", CultureInfo.InvariantCulture) : "";

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') || s.Contains('\n') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
