using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>
/// Results tables: one row per config group (the objective's mean ± SEM over seeds, the mean of the other final
/// metrics), optionally one per trial; columns labelled as the workload declares its metrics.
/// </summary>
public static class ResultsView
{
    /// <param name="ranked">Keep the given order (best first) instead of ordering groups by their parameters.</param>
    public static void Print(SweepResults results, bool perTrial = false, bool ranked = false)
    {
        var s = results.Status;
        var searched = results.Searched;
        var groups = new Table().Title($"{s.Name}: {s.Phase}, {s.Completed}/{s.Total} completed, {s.Failed} failed, {s.Cancelled} cancelled");
        foreach (var name in searched)
            groups.AddColumn(name);
        // Groups carry the objective's mean ± SEM (what the sweep aggregates); trials every final metric.
        var others = results.Metrics.Where(m => m.Name != results.Objective.Name).Take(MetricText.Shown - 1).ToList();
        groups.AddColumn("seeds").AddColumn(new TableColumn(Markup.Escape($"{results.Objective.Label} mean ± SEM")).RightAligned());
        foreach (var g in ranked ? results.Groups : Ordered(results.Groups, searched))
        {
            var cells = searched.Select(n => g.Parameters.TryGetValue(n, out var v) ? v.ToString() : "").ToList();
            cells.Add($"{g.Completed}/{g.Seeds}");
            cells.Add(double.IsNaN(g.Mean) ? "—" : double.IsNaN(g.Sem) ? $"{g.Mean:F3}" : $"{g.Mean:F3} ± {g.Sem:F3}");
            groups.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        AnsiConsole.Write(groups);
        if (!perTrial)
            return;
        var trials = new Table().AddColumns(["trial", "seed", "status", "attempt", Markup.Escape(results.Objective.Label), .. others.Select(m => Markup.Escape(m.Label)), "reason"]);
        foreach (var t in results.Trials)
            trials.AddRow([Markup.Escape(t.ConfigHash), t.Seed.ToString(), t.Status.ToString(), t.Attempt.ToString(),
                double.IsNaN(t.Objective) ? "—" : $"{t.Objective:F3}", .. others.Select(m => Cell(t.Metrics, m.Name)), Markup.Escape(t.Reason ?? "")]);
        AnsiConsole.Write(trials);
    }

    private static string Cell(IReadOnlyDictionary<string, double> metrics, string name) =>
        metrics.TryGetValue(name, out var value) && double.IsFinite(value) ? $"{value:F3}" : "—";

    /// <summary>Groups ordered by each searched parameter in turn, numbers numerically.</summary>
    private static IEnumerable<GroupRow> Ordered(IReadOnlyList<GroupRow> groups, IReadOnlyList<string> names)
    {
        IOrderedEnumerable<GroupRow> ordered = groups.OrderBy(_ => 0);
        foreach (var name in names)
        {
            ordered = ordered
                .ThenBy(g => g.Parameters.TryGetValue(name, out var v) && v.IsNumeric ? v.AsDouble() : double.NaN)
                .ThenBy(g => g.Parameters.TryGetValue(name, out var v) ? v.ToString() : "", StringComparer.Ordinal);
        }
        return ordered;
    }
}
