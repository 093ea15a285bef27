using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>Results tables: one row per config group (mean ± SEM of C2ST over seeds), optionally one per trial.</summary>
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
        groups.AddColumn("seeds").AddColumn(new TableColumn("C2ST mean ± SEM").RightAligned()).AddColumn(new TableColumn("val NLL").RightAligned());
        foreach (var g in ranked ? results.Groups : Ordered(results.Groups, searched))
        {
            var cells = searched.Select(n => g.Parameters.TryGetValue(n, out var v) ? v.ToString() : "").ToList();
            cells.Add($"{g.Completed}/{g.Seeds}");
            cells.Add(double.IsNaN(g.MeanC2st) ? "—" : double.IsNaN(g.SemC2st) ? $"{g.MeanC2st:F3}" : $"{g.MeanC2st:F3} ± {g.SemC2st:F3}");
            cells.Add(double.IsNaN(g.MeanValidationNll) ? "—" : $"{g.MeanValidationNll:F3}");
            groups.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        AnsiConsole.Write(groups);
        if (!perTrial)
            return;
        var trials = new Table().AddColumns("trial", "seed", "status", "attempt", "C2ST", "val NLL", "reason");
        foreach (var t in results.Trials)
            trials.AddRow(Markup.Escape(t.ConfigHash), t.Seed.ToString(), t.Status.ToString(), t.Attempt.ToString(),
                double.IsNaN(t.MeanC2st) ? "—" : $"{t.MeanC2st:F3}", double.IsNaN(t.ValidationNll) ? "—" : $"{t.ValidationNll:F3}",
                Markup.Escape(t.Reason ?? ""));
        AnsiConsole.Write(trials);
    }

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
