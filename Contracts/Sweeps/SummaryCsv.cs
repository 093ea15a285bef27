using System.Globalization;
using System.Text;

namespace Orchestrator.Contracts.Sweeps;

/// <summary>The sweep summary as CSV: one row per trial, parameters as columns (summary.csv, <c>results --csv</c>, the SDK).</summary>
public static class SummaryCsv
{
    public static string Write(SweepResults results)
    {
        var parameters = results.Trials.SelectMany(t => t.Parameters.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(',', new[] { "config_hash", "group_hash", "status", "attempt", "mean_c2st", "val_nll", "reason" }.Concat(parameters)));
        foreach (var t in results.Trials)
        {
            var cells = new[]
            {
                t.ConfigHash, t.GroupHash, t.Status.ToString(), t.Attempt.ToString(CultureInfo.InvariantCulture),
                F(t.MeanC2st), F(t.ValidationNll), Quote(t.Reason ?? ""),
            }.Concat(parameters.Select(p => t.Parameters.TryGetValue(p, out var v) ? Quote(v.ToString()) : ""));
            csv.AppendLine(string.Join(',', cells));
        }
        return csv.ToString();
    }

    private static string F(double v) => double.IsFinite(v) ? v.ToString("G6", CultureInfo.InvariantCulture) : "";

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') || s.Contains('\n') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
