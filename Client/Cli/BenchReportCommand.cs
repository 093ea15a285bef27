using System.CommandLine;
using System.Diagnostics;
using Orchestrator.Client.Reports;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Sweeps;
using Orchestrator.Protocol;
using Orchestrator.Training.Workloads.FffSbi;
using Orchestrator.Workloads;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>
/// <c>orchestrator bench report --trials 100000</c>: renders the HTML report of a synthetic sweep (4 tasks × 10 β × 10 lr
/// × seeds, 32 workers, 5 % failures) and prints the time and the file size: a 10⁵-trial report must stay fast.
/// </summary>
public static class BenchReportCommand
{
    public static Command Create()
    {
        var trials = new Option<int>("--trials") { Description = "synthetic trials", DefaultValueFactory = _ => 100_000 };
        var output = new Option<string>("--out") { Description = "folder of the report", DefaultValueFactory = _ => "reports" };
        var command = new Command("report", "Time the HTML report of a large synthetic sweep.") { trials, output };
        command.SetAction(parse => ConsoleErrors.Run(() =>
        {
            var results = Synthetic(parse.GetValue(trials));
            var curves = Curves(results);
            var clock = Stopwatch.StartNew();
            var html = HtmlReport.Render(results, curves, DateTimeOffset.UtcNow);
            var seconds = clock.Elapsed.TotalSeconds;
            Directory.CreateDirectory(parse.GetValue(output)!);
            var path = Path.GetFullPath(Path.Combine(parse.GetValue(output)!, "bench-report.html"));
            File.WriteAllText(path, html);
            AnsiConsole.MarkupLineInterpolated(
                $"{results.Trials.Count:N0} trials, {results.Groups.Count:N0} groups: report rendered in {seconds:F2} s, {html.Length / 1e6:F1} MB ({html.Split("<circle").Length - 1} points, {html.Split("<rect").Length - 1} rectangles) → {path}");
            return 0;
        }));
        return command;
    }

    private static SweepResults Synthetic(int count)
    {
        var random = new Random(7);
        var tasks = new[] { "two_moons", "slcp", "gaussian_linear", "sir" };
        var start = DateTimeOffset.UtcNow.AddHours(-6);
        var rows = new List<TrialRow>(count);
        for (var i = 0; i < count; i++)
        {
            var (task, beta, lr, seed) = (tasks[i % 4], Math.Pow(10, i / 4 % 10 / 3.0), 1e-4 * Math.Pow(10, i / 40 % 10 / 9.0), i / 400);
            var failed = random.NextDouble() < 0.05;
            var began = start.AddSeconds(i * 0.2);
            var parameters = new Dictionary<string, ParamValue>
            {
                ["task"] = ParamValue.Of(task), ["beta"] = ParamValue.Of(Math.Round(beta, 3)), ["lr"] = ParamValue.Of(Math.Round(lr, 7)),
                ["budget"] = ParamValue.Of(10_000L), [WorkloadDescriptor.SeedParameter] = ParamValue.Of((long)seed),
            };
            var c2st = 0.5 + 0.4 / (1 + Math.Log10(beta)) * (0.5 + random.NextDouble() * 0.5);
            var metrics = failed ? new Dictionary<string, double>()
                : new Dictionary<string, double> { [FffSbiDescriptor.C2st] = c2st, [FffSbiDescriptor.ValNll] = -2 + random.NextDouble() };
            rows.Add(new TrialRow($"{i:x16}", $"g{i % 400:x15}", seed, failed ? TrialStatus.Failed : TrialStatus.Completed, failed ? 3 : 1,
                failed ? double.NaN : c2st, metrics, failed ? $"reason {i % 3}: loss not finite" : null,
                parameters, $"silo{i % 4}/cpu{i % 8}", began, began.AddSeconds(5 + random.NextDouble() * 20)));
        }
        var status = new SweepStatus("bench", SweepPhase.Completed, count, 0, 0, rows.Count(r => r.Status == TrialStatus.Completed),
            rows.Count(r => r.Status == TrialStatus.Failed), 0, "synthetic", start);
        var objective = new Objective(FffSbiDescriptor.Instance.PrimaryMetric, Minimize: true, PerEpoch: false);
        return new SweepResults(status, ["beta", "lr", "task"], rows, SweepAggregation.Groups(rows), MetricColumn.Of(objective),
            MetricText.Columns(FffSbiDescriptor.Instance, objective));
    }

    private static IReadOnlyList<LearningCurve> Curves(SweepResults results) =>
        results.Groups.Take(24).Select(g => new LearningCurve(g.GroupHash, g.Parameters, Enumerable.Range(1, 200).ToList(),
            new Dictionary<string, IReadOnlyList<double>>
            {
                [CommonMetrics.TrainLoss] = Enumerable.Range(1, 200).Select(e => 5.0 / e).ToList(),
                [CommonMetrics.ValNll] = Enumerable.Range(1, 200).Select(e => 4.0 / e + 1).ToList(),
            })).ToList();
}
