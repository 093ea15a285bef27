using System.CommandLine;
using Orchestrator.Training.Evaluation;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary><c>orchestrator bench c2st</c>: our C2ST against scikit-learn's (the sbibm protocol) on the same sample pairs.</summary>
public static class BenchC2stCommand
{
    public static Command Create()
    {
        var n = new Option<int>("--n") { Description = "samples per side (sbibm: 10000)", DefaultValueFactory = _ => 10_000 };
        var cases = ListParsing.ListOption("--cases", "cases <d>d-same or <d>d-different", C2stBenchmark.DefaultCases.ToArray());
        var skipSklearn = new Option<bool>("--skip-sklearn") { Description = "run only our C2ST" };
        var timeout = new Option<int>("--sklearn-timeout") { Description = "seconds before a sklearn run is stopped", DefaultValueFactory = _ => 1800 };
        var command = new Command("c2st", "Time our C2ST against scikit-learn's on the same samples and compare accuracies.")
        {
            n, cases, skipSklearn, timeout,
        };
        command.SetAction(parse => ConsoleErrors.Run(() =>
        {
            var rows = C2stBenchmark.Run(parse.GetValue(n), parse.GetValue(cases), !parse.GetValue(skipSklearn), Console.WriteLine,
                sklearnTimeout: TimeSpan.FromSeconds(parse.GetValue(timeout)));
            var table = new Table().Title("C2ST: ours vs scikit-learn (sbibm protocol, 5 folds)");
            foreach (var column in new[] { "case", "d", "n", "ours", "sklearn", "|Δ|", "ours s", "sklearn s", "speed-up" })
                table.AddColumn(new TableColumn(column).RightAligned());
            foreach (var r in rows)
                table.AddRow(r.Case, r.Dim.ToString(), r.N.ToString(), $"{r.Accuracy:F4}", Opt(r.SklearnAccuracy, "F4"), Opt(r.AbsDifference, "F4"),
                    $"{r.Seconds:F1}", Opt(r.SklearnSeconds, "F1"), r.Speedup is { } s ? $"{s:F1}×" : "—");
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static string Opt(double? value, string format) => value is { } v ? v.ToString(format) : "—";
}
