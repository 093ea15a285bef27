using System.CommandLine;
using Orchestrator.Training.Evaluation;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary><c>orchestrator bench c2st</c>: our C2ST (fast default, optionally the exact protocol) against scikit-learn's on the same sample pairs.</summary>
public static class BenchC2stCommand
{
    public static Command Create()
    {
        var n = new Option<int>("--n") { Description = "samples per side (sbibm: 10000)", DefaultValueFactory = _ => 10_000 };
        var cases = ListParsing.ListOption("--cases", "cases <d>d-same, <d>d-moderate or <d>d-different", C2stBenchmark.DefaultCases.ToArray());
        var skipSklearn = new Option<bool>("--skip-sklearn") { Description = "do not run scikit-learn" };
        var skipFast = new Option<bool>("--skip-fast") { Description = "do not run our fast default protocol" };
        var exact = new Option<bool>("--exact") { Description = "also run our exact sklearn protocol" };
        var threads = new Option<int>("--threads") { Description = "intra-op threads for our C2ST", DefaultValueFactory = _ => 1 };
        var batch = new Option<int>("--fast-batch") { Description = "minibatch bound of the fast protocol", DefaultValueFactory = _ => new C2stOptions().FastBatchSize };
        var rate = new Option<double>("--fast-lr") { Description = "learning rate of the fast protocol", DefaultValueFactory = _ => new C2stOptions().FastLearningRate };
        var cache = new Option<string?>("--sklearn-cache") { Description = "folder where sklearn results are stored and reused" };
        var timeout = new Option<int>("--sklearn-timeout") { Description = "seconds before a sklearn run is stopped", DefaultValueFactory = _ => 1800 };
        var command = new Command("c2st", "Time our C2ST against scikit-learn's on the same samples and compare accuracies.")
        {
            n, cases, skipSklearn, skipFast, exact, threads, batch, rate, cache, timeout,
        };
        command.SetAction(parse => ConsoleErrors.Run(() =>
        {
            var rows = C2stBenchmark.Run(parse.GetValue(n), parse.GetList(cases), !parse.GetValue(skipSklearn), Console.WriteLine,
                new C2stOptions { Threads = parse.GetValue(threads), FastBatchSize = parse.GetValue(batch), FastLearningRate = parse.GetValue(rate) }, sklearnTimeout: TimeSpan.FromSeconds(parse.GetValue(timeout)),
                fast: !parse.GetValue(skipFast), exact: parse.GetValue(exact), sklearnCache: parse.GetValue(cache));
            var table = new Table().Title("C2ST: ours (fast default, exact protocol) vs scikit-learn (sbibm protocol, 5 folds); seconds wall / CPU");
            foreach (var column in new[] { "case", "n", "fast", "exact", "sklearn", "|Δ| fast", "|Δ| exact", "fast s", "exact s", "sklearn s", "speed-up" })
                table.AddColumn(new TableColumn(column).RightAligned());
            foreach (var r in rows)
            {
                table.AddRow(r.Case, r.N.ToString(), Acc(r.Fast), Acc(r.Exact), Acc(r.Sklearn), Opt(r.FastDifference, "F4"), Opt(r.ExactDifference, "F4"),
                    Time(r.Fast), Time(r.Exact), Time(r.Sklearn), r.FastSpeedup is { } s ? $"{s:F1}×" : "—");
            }
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static string Acc(C2stMeasurement? m) => m is null ? "—" : m.Accuracy.ToString("F4");

    private static string Time(C2stMeasurement? m) => m is null ? "—" : $"{m.Seconds:F1} / {m.CpuSeconds:F1}";

    private static string Opt(double? value, string format) => value is { } v ? v.ToString(format) : "—";
}
