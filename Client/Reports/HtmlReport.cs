using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;

namespace Orchestrator.Client.Reports;

/// <summary>
/// One self-contained HTML file for a sweep: status, best groups, objective per searched value, learning curves,
/// durations, worker utilisation, failures by reason and a sortable, filterable table of every trial (rendered by
/// the page from embedded JSON, a page of rows at a time, so 10⁵ trials stay responsive). No network access needed.
/// </summary>
public static class HtmlReport
{
    private const int BestGroups = 20, FailureExamples = 3;

    public static string Render(SweepResults results, IReadOnlyList<LearningCurve> curves, DateTimeOffset generatedAt)
    {
        var s = results.Status;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.Append($"<title>Sweep {Esc(s.Name)}</title><style>{ReportAssets.Css}</style></head><body>");
        html.Append($"<h1>Sweep {Esc(s.Name)}</h1>");
        html.Append(Invariant($"<p class=\"status\" id=\"status\">{s.Phase}: {s.Completed} of {s.Total} trials completed, {s.Failed} failed, {s.Cancelled} cancelled, {s.Running} running, {s.Pending} pending. Generated {generatedAt:yyyy-MM-dd HH:mm} UTC.</p>"));

        html.Append("<h2>Best configuration groups</h2>");
        html.Append(GroupTable(results));

        html.Append("<h2>Objective by searched value</h2><div class=\"plots\" id=\"objective\">");
        foreach (var svg in ReportPlots.ObjectiveBySearchedValue(results))
            html.Append(svg);
        html.Append("</div>");
        html.Append("<h2>Learning curves</h2><div class=\"plots\" id=\"curves\">").Append(ReportPlots.LearningCurves(curves, results.Searched, results.Objective.Name)).Append("</div>");
        html.Append("<h2>Durations and workers</h2><div class=\"plots\" id=\"timing\">")
            .Append(ReportPlots.Durations(results)).Append(ReportPlots.WorkerUtilisation(results)).Append("</div>");

        html.Append("<h2>Failed trials</h2>").Append(Failures(results));

        html.Append("<h2>All trials</h2><p><input id=\"filter\" placeholder=\"filter: any text, e.g. failed or beta=25\" size=\"50\"> <span id=\"shown\"></span></p>");
        html.Append("<table id=\"trials\" class=\"sortable\"><thead><tr>");
        foreach (var column in Columns(results))
            html.Append($"<th data-key=\"{Esc(column)}\">{Esc(column)}</th>");
        html.Append("</tr></thead><tbody></tbody></table>");
        html.Append("<script type=\"application/json\" id=\"trial-data\">").Append(TrialJson(results)).Append("</script>");
        html.Append($"<script>{ReportAssets.Script}</script></body></html>");
        return html.ToString();
    }

    private static IEnumerable<string> Columns(SweepResults results) =>
        new[] { "trial" }.Concat(results.Searched).Concat(["seed", "status", "attempts"]).Concat(results.Metrics.Select(m => m.Label))
            .Concat(["seconds", "worker", "reason"]);

    private static string TrialJson(SweepResults results)
    {
        // Rows as arrays in column order: compact for 10⁵ trials; "</" never appears (the JSON serializer escapes '<').
        var rows = results.Trials.Select(t => new object?[] { t.ConfigHash }
            .Concat(results.Searched.Select(n => Cell(t, n)))
            .Concat([t.Seed, t.Status.ToString(), t.Attempt])
            .Concat(results.Metrics.Select(m => (object?)Finite(t.Metrics.TryGetValue(m.Name, out var v) ? v : double.NaN)))
            .Concat([Seconds(t), t.Worker, t.Reason]));
        return JsonSerializer.Serialize(rows);
    }

    private static string GroupTable(SweepResults results)
    {
        var best = results.Groups.Where(g => double.IsFinite(g.Mean)).OrderBy(g => results.Objective.SortKey(g.Mean)).Take(BestGroups).ToList();
        var others = results.Metrics.Where(m => m.Name != results.Objective.Name).Take(MetricText.Shown - 1).ToList();
        if (best.Count == 0)
            return "<p>No completed group yet.</p>";
        var html = new StringBuilder("<table id=\"groups\"><thead><tr>");
        foreach (var name in results.Searched)
            html.Append($"<th>{Esc(name)}</th>");
        html.Append($"<th>seeds done</th><th>{Esc(results.Objective.Label)} mean ± SEM</th>");
        foreach (var metric in others)
            html.Append($"<th>{Esc(metric.Label)}</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var g in best)
        {
            html.Append("<tr>");
            foreach (var name in results.Searched)
                html.Append($"<td>{Esc(g.Parameters.TryGetValue(name, out var v) ? v.ToString() : "")}</td>");
            html.Append(Invariant($"<td>{g.Completed}/{g.Seeds}</td><td>{g.Mean:F3}{(double.IsFinite(g.Sem) ? Invariant($" ± {g.Sem:F3}") : "")}</td>"));
            foreach (var metric in others)
                html.Append(Invariant($"<td>{(g.MetricMeans.TryGetValue(metric.Name, out var m) ? m : double.NaN):F3}</td>"));
            html.Append("</tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }

    private static string Failures(SweepResults results)
    {
        var failed = results.Trials.Where(t => t.Status == TrialStatus.Failed).ToList();
        if (failed.Count == 0)
            return "<p id=\"failures\">No trial failed.</p>";
        var html = new StringBuilder("<table id=\"failures\"><thead><tr><th>trials</th><th>reason</th><th>for example</th></tr></thead><tbody>");
        foreach (var reason in failed.GroupBy(t => Truncate(t.Reason ?? "(no reason)")).OrderByDescending(g => g.Count()))
            html.Append(Invariant($"<tr><td>{reason.Count()}</td><td>{Esc(reason.Key)}</td><td>{Esc(string.Join(", ", reason.Take(FailureExamples).Select(t => t.ConfigHash)))}</td></tr>"));
        return html.Append("</tbody></table>").ToString();
    }

    private static object? Cell(TrialRow trial, string name) =>
        !trial.Parameters.TryGetValue(name, out var v) ? null : v.IsNumeric ? v.AsDouble() : v.ToString();

    private static double? Seconds(TrialRow trial) =>
        trial.StartedAt is { } a && trial.FinishedAt is { } b ? Math.Round((b - a).TotalSeconds, 1) : null;

    private static string Truncate(string s) => s.Length <= 240 ? s : s[..239] + "…";

    private static double? Finite(double v) => double.IsFinite(v) ? Math.Round(v, 5) : null;

    private static string Esc(string s) => WebUtility.HtmlEncode(s);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
