using System.Globalization;
using System.Text.Json;
using Orchestrator.Contracts.Sweeps;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>A trial's metrics.jsonl as a table: one row per stored line, one column per key in order of first appearance, headed by the metric's label.</summary>
public static class TrialMetricsView
{
    /// <param name="epochMetrics">Labels of the per-epoch metrics by name; other keys (attempt, epoch, at) are shown as stored.</param>
    public static Table Table(IReadOnlyList<string> lines, IReadOnlyList<MetricColumn> epochMetrics)
    {
        var labels = epochMetrics.ToDictionary(m => m.Name, m => m.Label, StringComparer.Ordinal);
        var rows = lines.Select(line => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(line) ?? []).ToList();
        var columns = rows.SelectMany(r => r.Keys).Distinct(StringComparer.Ordinal).ToList();
        var table = new Table();
        foreach (var column in columns)
            table.AddColumn(new TableColumn(Markup.Escape(labels.GetValueOrDefault(column, column))).RightAligned());
        foreach (var row in rows)
            table.AddRow(columns.Select(c => Markup.Escape(row.TryGetValue(c, out var v) ? Cell(v) : "")).ToArray());
        return table;
    }

    private static string Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var whole) => whole.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.Number => value.GetDouble().ToString("G5", CultureInfo.InvariantCulture),
        JsonValueKind.Null => "—",
        JsonValueKind.String => value.GetString()!,
        _ => value.GetRawText(),
    };
}
