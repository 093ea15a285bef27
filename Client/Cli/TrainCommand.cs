using System.CommandLine;
using System.Text.Json;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Protocol;
using Orchestrator.Training.Workloads;
using Orchestrator.Workloads;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>
/// <c>orchestrator train &lt;workload&gt;</c>: one trial of a workload in this process, with live progress and a result
/// table. One subcommand per workload, its options generated from the workload's parameter table.
/// </summary>
public static class TrainCommand
{
    public static Command Create(IEnumerable<IWorkload> workloads)
    {
        var command = new Command("train", "Run one trial of a workload here (no silo); 'train <workload> --help' lists its parameters.");
        foreach (var workload in workloads)
            command.Add(ForWorkload(workload));
        return command;
    }

    private static Command ForWorkload(IWorkload workload)
    {
        var descriptor = workload.Descriptor;
        var parameters = new WorkloadOptions(descriptor);
        var seed = new Option<long>("--seed") { Description = "seed of everything random: same seed, same result on CPU", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var threads = new Option<int>("--threads") { Description = "intra-op threads (0 = TorchSharp default)", DefaultValueFactory = _ => 1 };
        var observations = ListParsing.ListOption("--observations", "observation numbers to evaluate", new[] { 1, 2, 3, 4, 5 });
        var output = new Option<string?>("--out") { Description = "output directory (default runs/<workload>-<config hash>, the hash sweeps give this trial)" };
        var resume = new Option<bool>("--resume") { Description = "continue from the output directory's checkpoint" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "epochs between checkpoints", DefaultValueFactory = _ => 10 };

        var command = new Command(descriptor.Name, $"One trial of {descriptor.Name}: {descriptor.Summary}. Parameters not given take the " +
            "workload's recipe for their setting when it ships one (fff-sbi: data/recipes/fff-sbi.csv, per task and budget; printed before training), else the defaults shown.");
        foreach (var option in parameters.Options.Concat([seed, device, threads, observations, output, resume, checkpointEvery]))
            command.Add(option);
        command.SetAction(parse => ConsoleErrors.Run(() =>
        {
            var values = parameters.Read(parse);
            // The workload's recipe for this setting (fff-sbi: the task at the budget) replaces the defaults of what was not given.
            var recipe = workload.Recipe(values);
            var taken = recipe?.Parameters.Where(p => !parameters.Given(parse, p.Key)).ToDictionary(StringComparer.Ordinal) ?? [];
            foreach (var (name, value) in taken)
                values[name] = value;
            var configHash = LocalTrial.ConfigHash(descriptor.Name, values, parse.GetValue(seed));
            var directory = Path.GetFullPath(parse.GetValue(output) ?? Path.Combine("runs", $"{descriptor.Name}-{configHash}"));
            var every = parse.GetValue(checkpointEvery);
            if (every < 1)
                throw new ArgumentException("--checkpoint-every must be ≥ 1.");
            var request = LocalTrial.Request(descriptor.Name, values, parse.GetValue(seed), parse.GetValue(device)!, parse.GetValue(threads),
                parse.GetList(observations), directory, every);
            var checkpointPath = request.CheckpointPath;
            var resuming = parse.GetValue(resume);
            if (!resuming && File.Exists(checkpointPath))
                File.Delete(checkpointPath);
            else if (resuming && !File.Exists(checkpointPath))
                throw new FileNotFoundException($"--resume was given but {checkpointPath} does not exist.");
            workload.RequireData(values, request.Observations);
            if (taken.Count > 0)
                AnsiConsole.MarkupLineInterpolated($"Recipe for {recipe!.Setting} (what the command line does not give): {Describe(taken)}; {recipe.Provenance}");
            AnsiConsole.MarkupLineInterpolated($"Training [bold]{descriptor.Name}[/] ({Describe(values)}, seed {request.Seed}, {request.Device}) → {directory}");
            var completed = TrainProgress.Run(descriptor, request, events => workload.Train(request, events, CancellationToken.None));
            Print(descriptor, completed, directory);
            return 0;
        }));
        return command;
    }

    private static string Describe(IReadOnlyDictionary<string, ParamValue> values) =>
        string.Join(", ", values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} {v.Value}"));

    private static void Print(WorkloadDescriptor descriptor, Completed completed, string directory)
    {
        var summary = completed.Summary;
        var metric = descriptor.PrimaryMetric;
        var table = new Table().Title(Markup.Escape($"{descriptor.Name}: {metric.Label} ({metric.GoalText})")).AddColumns("observation", Markup.Escape(metric.Label));
        foreach (var o in summary.Observations)
            table.AddRow(o.Observation.ToString(), $"{o.Score:F4}");
        if (summary.Observations.Count > 0)
            table.AddRow("[bold]mean[/]", $"[bold]{summary[metric.Name]:F4}[/]");
        AnsiConsole.Write(table);
        // Every final metric the workload reported, labelled as its descriptor declares (the mean above not again).
        var others = MetricText.Values(descriptor.FinalMetrics.Where(m => m.Name != metric.Name || summary.Observations.Count == 0), summary.Metrics,
            int.MaxValue, ", ", "G5");
        AnsiConsole.MarkupLineInterpolated(
            $"{others}; {summary.Timings.TotalSeconds:F1} s in all ({summary.Timings.TrainingSeconds:F1} s training)");
        AnsiConsole.MarkupLineInterpolated($"Outputs in {directory} (result: {completed.ResultPath})");
    }
}
