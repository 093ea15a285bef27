using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Protocol;

namespace Orchestrator.Client.Reports;

/// <summary>
/// The report's plots, each built from aggregates: the objective per searched value (mean ± SEM per task/budget), the
/// learning curves the sweep reduced, a histogram of trial durations and per-worker busy lanes over time-bins. The SVG
/// size depends on the number of values, groups, bins and workers, never on the number of trials.
/// </summary>
public static class ReportPlots
{
    private const int DurationBins = 30, TimeBins = 240, MaxLanes = 64;

    /// <summary>One chart per searched parameter: mean ± SEM of the objective over the trials with each value.</summary>
    public static IEnumerable<string> ObjectiveBySearchedValue(SweepResults results)
    {
        var done = results.Trials.Where(t => t.Status == TrialStatus.Completed).ToList();
        Func<TrialRow, double> objective = t => t.Objective;
        var label = $"{results.Objective.Label} (mean ± SEM)";
        foreach (var name in results.Searched)
        {
            var values = done.Where(t => t.Parameters.ContainsKey(name)).Select(t => t.Parameters[name]).Distinct().ToList();
            var numeric = values.Count > 0 && values.All(v => v.IsNumeric);
            var ordered = numeric ? values.OrderBy(v => v.AsDouble()).ToList() : values.OrderBy(v => v.ToString(), StringComparer.Ordinal).ToList();
            var positive = numeric && ordered.Count > 0 && ordered[0].AsDouble() > 0;
            var chart = new SvgChart($"{results.Objective.Label} vs {name}", name, label)
            {
                LogX = positive && ordered[^1].AsDouble() / ordered[0].AsDouble() >= 50,
                XCategories = numeric ? null : ordered.Select(v => v.ToString()).ToList(),
            };
            var index = ordered.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
            foreach (var series in done.GroupBy(t => SeriesName(t, name)).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var points = series.Where(t => t.Parameters.ContainsKey(name) && double.IsFinite(objective(t)))
                    .GroupBy(t => t.Parameters[name])
                    .Select(g =>
                    {
                        var ys = g.Select(objective).ToList();
                        return new ChartPoint(numeric ? g.Key.AsDouble() : index[g.Key], ys.Average(), Sem(ys));
                    })
                    .OrderBy(p => p.X)
                    .ToList();
                chart.AddPoints(series.Key, points, joined: numeric);
            }
            yield return chart.Render();
        }
    }

    /// <summary>
    /// One per-epoch metric of each reduced learning curve: the objective when the workload reports it per epoch,
    /// else the validation NLL, else the first it reports.
    /// </summary>
    public static string LearningCurves(IReadOnlyList<LearningCurve> curves, IReadOnlyList<string> searched, string objective)
    {
        var names = curves.SelectMany(c => c.Values.Keys).Distinct().ToList();
        var metric = names.Contains(objective) ? objective : names.Contains(CommonMetrics.ValNll) ? CommonMetrics.ValNll : names.FirstOrDefault() ?? CommonMetrics.ValNll;
        var label = curves.Select(c => c.Labels?.GetValueOrDefault(metric)).FirstOrDefault(l => l is not null) ?? metric;
        var chart = new SvgChart("Learning curves (mean over seeds)", "epoch", $"{label} per epoch");
        foreach (var curve in curves.Where(c => c.Values.ContainsKey(metric)))
        {
            var name = string.Join(", ", searched.Where(curve.Parameters.ContainsKey).Select(n => $"{n}={curve.Parameters[n]}"));
            chart.AddPoints(name.Length == 0 ? curve.GroupHash : name,
                curve.Epochs.Select((e, i) => new ChartPoint(e, curve.Values[metric][i])).Where(p => double.IsFinite(p.Y)).ToList(), joined: true);
        }
        return chart.Render();
    }

    /// <summary>Histogram of the latest attempt's wall time of completed trials.</summary>
    public static string Durations(SweepResults results)
    {
        var seconds = results.Trials.Where(t => t.Status == TrialStatus.Completed && t.StartedAt is not null && t.FinishedAt is not null)
            .Select(t => (t.FinishedAt!.Value - t.StartedAt!.Value).TotalSeconds).Where(s => s >= 0).ToList();
        var chart = new SvgChart("Trial durations", "seconds (latest attempt)", "trials");
        if (seconds.Count > 0)
        {
            var (min, max) = (seconds.Min(), Math.Max(seconds.Max(), seconds.Min() + 1e-3));
            var width = (max - min) / DurationBins;
            var counts = new int[DurationBins];
            foreach (var s in seconds)
                counts[Math.Min(DurationBins - 1, (int)((s - min) / width))]++;
            chart.AddRects("completed trials", counts.Select((c, i) => new ChartRect(min + i * width, min + (i + 1) * width, 0, c))
                .Where(r => r.Y1 > 0).ToList());
        }
        return chart.Render();
    }

    /// <summary>
    /// A Gantt-like view: one lane per worker, busy where some trial of it ran in that time-bin (the sweep's span cut into
    /// <see cref="TimeBins"/> bins), so a lane has at most one rectangle per run of busy bins.
    /// </summary>
    public static string WorkerUtilisation(SweepResults results)
    {
        var timed = results.Trials.Where(t => t.Worker is not null && t.StartedAt is not null && t.FinishedAt is not null).ToList();
        var workers = timed.Select(t => t.Worker!).Distinct().Order(StringComparer.Ordinal).Take(MaxLanes).ToList();
        var chart = new SvgChart("Worker utilisation over time", "minutes since the first trial started", "worker") { YCategories = workers };
        if (timed.Count == 0)
            return chart.Render();
        var t0 = timed.Min(t => t.StartedAt!.Value);
        var span = Math.Max(1e-3, (timed.Max(t => t.FinishedAt!.Value) - t0).TotalMinutes);
        var lane = workers.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);
        var delta = new int[workers.Count, TimeBins + 1];
        int Bin(DateTimeOffset at) => Math.Clamp((int)((at - t0).TotalMinutes / span * TimeBins), 0, TimeBins - 1);
        foreach (var t in timed.Where(t => lane.ContainsKey(t.Worker!)))
        {
            delta[lane[t.Worker!], Bin(t.StartedAt!.Value)]++;
            delta[lane[t.Worker!], Bin(t.FinishedAt!.Value) + 1]--;
        }
        var rects = new List<ChartRect>();
        for (var w = 0; w < workers.Count; w++)
        {
            var (running, start) = (0, -1);
            for (var b = 0; b <= TimeBins; b++)
            {
                running += delta[w, b];
                var busy = b < TimeBins && running > 0;
                if (busy && start < 0)
                    start = b;
                else if (!busy && start >= 0)
                {
                    rects.Add(new ChartRect(start * span / TimeBins, b * span / TimeBins, w - 0.35, w + 0.35));
                    start = -1;
                }
            }
        }
        chart.AddRects("busy", rects);
        return chart.Render();
    }

    /// <summary>Series of the objective plots: one per task and budget (when those are parameters and not the x axis).</summary>
    private static string SeriesName(TrialRow trial, string x)
    {
        var parts = new[] { "task", "budget" }.Where(k => k != x && trial.Parameters.ContainsKey(k))
            .Select(k => k == "budget" ? $"n={trial.Parameters[k]}" : trial.Parameters[k].ToString());
        var name = string.Join(" ", parts);
        return name.Length == 0 ? "all trials" : name;
    }

    private static double Sem(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
            return double.NaN;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1) / values.Count);
    }
}
