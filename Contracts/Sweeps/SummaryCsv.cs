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
        csv.AppendLine(Header(parameters));
        foreach (var t in results.Trials)
            csv.AppendLine(Row(t, parameters));
        return csv.ToString();
    }

    /// <summary>Streams rows as they come (an export of any size): the columns follow the first row's parameters.</summary>
    public static async Task WriteAsync(TextWriter output, IAsyncEnumerable<TrialRow> trials, CancellationToken cancellation = default)
    {
        List<string>? parameters = null;
        await foreach (var t in trials.WithCancellation(cancellation))
        {
            if (parameters is null)
            {
                // A trial's parameter map is complete (defaults filled in), so every row has the same keys.
                parameters = [.. t.Parameters.Keys.Order(StringComparer.Ordinal)];
                await output.WriteLineAsync(Header(parameters));
            }
            await output.WriteLineAsync(Row(t, parameters));
        }
        if (parameters is null)
            await output.WriteLineAsync(Header([]));
    }

    private static string Header(IEnumerable<string> parameters) =>
        string.Join(',', new[] { "config_hash", "group_hash", "status", "attempt", "mean_c2st", "val_nll", "reason" }.Concat(parameters));

    private static string Row(TrialRow t, IEnumerable<string> parameters) => string.Join(',', new[]
    {
        t.ConfigHash, t.GroupHash, t.Status.ToString(), t.Attempt.ToString(CultureInfo.InvariantCulture),
        F(t.MeanC2st), F(t.ValidationNll), Quote(t.Reason ?? ""),
    }.Concat(parameters.Select(p => t.Parameters.TryGetValue(p, out var v) ? Quote(v.ToString()) : "")));

    private static string F(double v) => double.IsFinite(v) ? v.ToString("G6", CultureInfo.InvariantCulture) : "";

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') || s.Contains('\n') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
