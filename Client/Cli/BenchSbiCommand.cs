using System.Collections.Concurrent;
using System.CommandLine;
using Orchestrator.Training.Networks;
using Orchestrator.Training.Optimization;
using Orchestrator.Training.Sbi;
using Orchestrator.Training.Trials;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>
/// <c>orchestrator bench sbi</c>: trains FFF on sbibm tasks × budgets × β and prints mean C2ST next to the
/// published NPE numbers, with time per training step and per C2ST evaluation.
/// </summary>
public static class BenchSbiCommand
{
    public static Command Create()
    {
        var tasks = ListParsing.ListOption("--tasks", "tasks", new[] { "two_moons", "gaussian_linear", "gaussian_mixture", "slcp" });
        var budgets = ListParsing.ListOption("--budgets", "simulation budgets", new[] { 1000, 10000 });
        var betas = ListParsing.ListOption("--betas", "reconstruction weights β to try", new[] { 25.0 });
        var epochs = new Option<int>("--epochs") { Description = "epochs per trial", DefaultValueFactory = _ => 100 };
        var batch = new Option<int>("--batch-size") { Description = "batch size (0: budget / 64 within [16, 128], so small budgets still take thousands of steps)", DefaultValueFactory = _ => 0 };
        var lr = new Option<double>("--lr") { Description = "peak learning rate", DefaultValueFactory = _ => 1e-3 };
        var architecture = new Option<string>("--architecture") { Description = $"network: {string.Join(", ", Architectures.Names)}", DefaultValueFactory = _ => Architectures.Reference };
        var identityInit = new Option<bool>("--identity-init") { Description = "start near the identity" };
        var observations = ListParsing.ListOption("--observations", "observations for C2ST", new[] { 1, 2, 3, 4, 5 });
        var seed = new Option<long>("--seed") { Description = "seed", DefaultValueFactory = _ => 1 };
        var parallel = new Option<int>("--parallel") { Description = "trials run at once, each on its own thread with one intra-op thread", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount) };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };

        var command = new Command("sbi", "Train FFF on sbibm tasks and compare mean C2ST with the published NPE numbers.")
        {
            tasks, budgets, betas, epochs, batch, lr, architecture, identityInit, observations, seed, parallel, device,
        };
        command.SetAction(parse => ConsoleErrors.Run(() =>
        {
            var configs = (
                from task in parse.GetList(tasks)
                from budget in parse.GetList(budgets)
                from beta in parse.GetList(betas)
                select new TrialConfig
                {
                    Task = task, Budget = budget, Seed = parse.GetValue(seed), Observations = parse.GetList(observations),
                    Device = parse.GetValue(device)!, Threads = 1,
                    Training = new TrainingOptions
                    {
                        Beta = beta, Epochs = parse.GetValue(epochs), BatchSize = BatchSize(parse.GetValue(batch), budget),
                        LearningRate = parse.GetValue(lr),
                        Architecture = parse.GetValue(architecture)!, IdentityInit = parse.GetValue(identityInit),
                    },
                }).ToList();
            configs.ForEach(c => c.Validate());
            var results = RunAll(configs, Math.Max(1, parse.GetValue(parallel)));
            Print(results);
            return 0;
        }));
        return command;
    }

    private static int BatchSize(int requested, int budget) => requested > 0 ? requested : Math.Clamp(budget / 64, 16, 128);

    private static List<TrialResult> RunAll(List<TrialConfig> configs, int parallel)
    {
        var queue = new ConcurrentQueue<TrialConfig>(configs);
        var results = new ConcurrentBag<TrialResult>();
        var errors = new ConcurrentBag<Exception>();
        var done = 0;
        // One dedicated OS thread per lane: intra-op threads and dispose scopes are per thread.
        var lanes = Enumerable.Range(0, Math.Min(parallel, configs.Count)).Select(_ => new Thread(() =>
        {
            while (queue.TryDequeue(out var config))
            {
                try
                {
                    var result = TrialRunner.Run(config);
                    results.Add(result);
                    Console.WriteLine($"[{Interlocked.Increment(ref done)}/{configs.Count}] {config.Task} budget {config.Budget} β {config.Training.Beta}: " +
                        $"C2ST {result.MeanC2st:F3} ({result.Timings.TotalSeconds:F0} s)");
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    errors.Add(e);
                    Console.WriteLine($"[{Interlocked.Increment(ref done)}/{configs.Count}] {config.Task} budget {config.Budget} β {config.Training.Beta}: failed: {e.Message}");
                }
            }
        }) { IsBackground = true }).ToList();
        lanes.ForEach(t => t.Start());
        lanes.ForEach(t => t.Join());
        return [.. results];
    }

    private static void Print(List<TrialResult> results)
    {
        var table = new Table().Title("FFF vs NPE (sbibm, mean C2ST over the shared observations; lower is better)");
        foreach (var column in new[] { "task", "budget", "β", "batch", "FFF C2ST", "NPE C2ST", "FFF − NPE", "ms/step", "s/C2ST", "train s" })
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var r in results.OrderBy(r => r.Config.Task).ThenBy(r => r.Config.Budget).ThenBy(r => r.Config.Training.Beta))
        {
            var npe = PublishedC2st.Npe(r.Config.Task, r.Config.Budget).Mean;
            var best = results.Where(o => o.Config.Task == r.Config.Task && o.Config.Budget == r.Config.Budget).Min(o => o.MeanC2st);
            var mark = r.MeanC2st == best ? "[bold]" : "[dim]";
            table.AddRow(r.Config.Task, r.Config.Budget.ToString(), $"{r.Config.Training.Beta:G}", r.Config.Training.BatchSize.ToString(), $"{mark}{r.MeanC2st:F3}[/]", $"{npe:F3}",
                $"{r.MeanC2st - npe:+0.000;-0.000}", $"{r.Timings.StepSeconds * 1000:F2}", $"{r.Timings.C2stSeconds / r.Observations.Count:F1}",
                $"{r.Timings.TrainingSeconds:F0}");
        }
        AnsiConsole.Write(table);
    }
}
