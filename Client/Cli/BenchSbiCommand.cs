using System.Collections.Concurrent;
using System.CommandLine;
using Orchestrator.Protocol;
using Orchestrator.Training.Sbi;
using Orchestrator.Training.Workloads;
using Orchestrator.Training.Workloads.FffSbi;
using Orchestrator.Workloads;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>
/// <c>orchestrator bench sbi</c>: trains fff-sbi on sbibm tasks × budgets × β and prints its primary metric (mean C2ST)
/// next to the published NPE numbers, with time per training step and per evaluation. Its options are fff-sbi's
/// parameter table (generated, checked as <c>train fff-sbi</c> checks them) plus the grid lists; each trial runs
/// through the workload exactly as a sweep's trial host runs it.
/// </summary>
public static class BenchSbiCommand
{
    // The grid: one list option each instead of the generated single-value option.
    private static readonly string[] Grid = [FffSbiDescriptor.Task, FffSbiDescriptor.Budget, FffSbiDescriptor.Beta];

    // The bench's protocol where it differs from a single trial's declared defaults.
    private static readonly Dictionary<string, ParamValue> Protocol = new(StringComparer.Ordinal)
    {
        [FffSbiDescriptor.Epochs] = ParamValue.Of(100L),
        [FffSbiDescriptor.LearningRate] = ParamValue.Of(1e-3),
    };

    public static Command Create()
    {
        var workload = BuiltInWorkloads.Get(FffSbiDescriptor.Name);
        var descriptor = workload.Descriptor;
        var parameters = new WorkloadOptions(descriptor, Grid, Protocol);
        string Help(string name) => descriptor.Parameters.First(p => p.Name == name).Help;
        var tasks = ListParsing.ListOption("--tasks", Help(FffSbiDescriptor.Task) + "s", new[] { "two_moons", "gaussian_linear", "gaussian_mixture", "slcp" });
        var budgets = ListParsing.ListOption("--budgets", Help(FffSbiDescriptor.Budget), new[] { 1000L, 10000L });
        var betas = ListParsing.ListOption("--betas", Help(FffSbiDescriptor.Beta) + " values to try", new[] { 25.0 });
        var observations = ListParsing.ListOption("--observations", "observations to evaluate", new[] { 1, 2, 3, 4, 5 });
        var seed = new Option<long>("--seed") { Description = "seed of every trial", DefaultValueFactory = _ => 1 };
        var parallel = new Option<int>("--parallel") { Description = "trials run at once, each on its own thread with one intra-op thread", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount) };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };

        var command = new Command("sbi", $"Train {descriptor.Name} on sbibm tasks and compare its {descriptor.PrimaryMetric.Name} with the published NPE numbers " +
            "(--batch-size unset: budget/64 within [16, 128], so small budgets still take thousands of steps).")
        {
            tasks, budgets, betas, observations, seed, parallel, device,
        };
        foreach (var option in parameters.Options)
            command.Add(option);
        command.SetAction(parse => ConsoleErrors.Run(() =>
        {
            var common = parameters.Read(parse);
            var autoBatch = !parameters.Given(parse, FffSbiDescriptor.BatchSize);
            var grid = (
                from task in parse.GetList(tasks)
                from budget in parse.GetList(budgets)
                from beta in parse.GetList(betas)
                select new Dictionary<string, ParamValue>(common, StringComparer.Ordinal)
                {
                    [FffSbiDescriptor.Task] = ParamValue.Of(task),
                    [FffSbiDescriptor.Budget] = ParamValue.Of(budget),
                    [FffSbiDescriptor.Beta] = ParamValue.Of(beta),
                    [FffSbiDescriptor.BatchSize] = autoBatch ? ParamValue.Of(Math.Clamp(budget / 64, 16L, 128L)) : common[FffSbiDescriptor.BatchSize],
                }).ToList();
            var problems = grid.SelectMany(values => Grid.Select(name => descriptor.Check(name, values[name]) is { } problem ? $"{name}: {problem}" : null))
                .OfType<string>().Distinct().ToList();
            if (problems.Count > 0)
                throw new ArgumentException(string.Join(Environment.NewLine, problems));
            grid.ForEach(values => workload.RequireData(values, parse.GetList(observations)));
            var runs = RunAll(workload, grid, parse.GetValue(seed), parse.GetValue(device)!, parse.GetList(observations), Math.Max(1, parse.GetValue(parallel)));
            Print(descriptor, runs);
            return 0;
        }));
        return command;
    }

    private sealed record Run(IReadOnlyDictionary<string, ParamValue> Values, TrialSummary Summary);

    private static List<Run> RunAll(IWorkload workload, List<Dictionary<string, ParamValue>> grid, long seed, string device, int[] observations, int parallel)
    {
        var queue = new ConcurrentQueue<Dictionary<string, ParamValue>>(grid);
        var runs = new ConcurrentBag<Run>();
        var done = 0;
        var primary = workload.Descriptor.PrimaryMetric;
        var root = Directory.CreateTempSubdirectory("orchestrator-bench-sbi-").FullName;
        // One dedicated OS thread per lane: intra-op threads and dispose scopes are per thread.
        var lanes = Enumerable.Range(0, Math.Min(parallel, grid.Count)).Select(_ => new Thread(() =>
        {
            while (queue.TryDequeue(out var values))
            {
                var name = $"{values[FffSbiDescriptor.Task]} budget {values[FffSbiDescriptor.Budget]} β {values[FffSbiDescriptor.Beta]}";
                try
                {
                    var directory = Path.Combine(root, LocalTrial.ConfigHash(workload.Descriptor.Name, values, seed));
                    var request = LocalTrial.Request(workload.Descriptor.Name, values, seed, device, 1, observations, directory, checkpointEvery: int.MaxValue);
                    var summary = workload.Train(request, _ => { }, CancellationToken.None).Summary;
                    runs.Add(new Run(values, summary));
                    Console.WriteLine($"[{Interlocked.Increment(ref done)}/{grid.Count}] {name}: {primary.Name} {summary[primary.Name]:F3} ({summary.Timings.TotalSeconds:F0} s)");
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Console.WriteLine($"[{Interlocked.Increment(ref done)}/{grid.Count}] {name}: failed: {e.Message}");
                }
            }
        }) { IsBackground = true }).ToList();
        lanes.ForEach(t => t.Start());
        lanes.ForEach(t => t.Join());
        Directory.Delete(root, recursive: true);
        return [.. runs];
    }

    private static void Print(WorkloadDescriptor descriptor, List<Run> runs)
    {
        var primary = descriptor.PrimaryMetric;
        var table = new Table().Title(Markup.Escape($"{descriptor.Name} vs NPE (sbibm, {primary.Name} averaged over the observations; {primary.GoalText})"));
        foreach (var column in new[] { "task", "budget", "β", "batch", $"FFF {primary.Name}", $"NPE {primary.Name}", "FFF − NPE", "ms/step", "s/evaluation", "train s" })
            table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
        string Task(Run r) => r.Values[FffSbiDescriptor.Task].AsString();
        long Budget(Run r) => r.Values[FffSbiDescriptor.Budget].AsInt64();
        foreach (var r in runs.OrderBy(Task, StringComparer.Ordinal).ThenBy(Budget).ThenBy(r => r.Values[FffSbiDescriptor.Beta].AsDouble()))
        {
            var score = r.Summary[FffSbiDescriptor.C2st];
            var npe = PublishedC2st.Npe(Task(r), (int)Budget(r)).Mean;
            var best = runs.Where(o => Task(o) == Task(r) && Budget(o) == Budget(r)).Min(o => o.Summary[FffSbiDescriptor.C2st]);
            var mark = score == best ? "[bold]" : "[dim]";
            var t = r.Summary.Timings;
            table.AddRow(Task(r), Budget(r).ToString(), r.Values[FffSbiDescriptor.Beta].ToString(), r.Values[FffSbiDescriptor.BatchSize].ToString(),
                $"{mark}{score:F3}[/]", $"{npe:F3}", $"{score - npe:+0.000;-0.000}", $"{t.StepSeconds * 1000:F2}",
                $"{(t.SamplingSeconds + t.C2stSeconds) / Math.Max(1, r.Summary.Observations.Count):F1}", $"{t.TrainingSeconds:F0}");
        }
        AnsiConsole.Write(table);
    }
}
