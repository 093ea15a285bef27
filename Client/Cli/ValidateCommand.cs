using System.CommandLine;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Specs;
using Orchestrator.Training.Workloads;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>
/// <c>orchestrator validate spec.yaml</c>: checks a spec without a silo. Prints every problem, or the expanded trial
/// count and the first trials with their searched values, so a 10⁵-trial grid is checked before it is submitted.
/// </summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "sweep spec file (.yaml, .yml or .json)" };
        var preview = new Option<int>("--preview") { Description = "trials to list", DefaultValueFactory = _ => 10 };
        var command = new Command("validate", "Check a sweep spec (no silo needed): every problem, or the trial count and a preview.")
        {
            spec, preview,
        };
        command.SetAction(parse => ConsoleErrors.Run(() =>
        {
            var parsed = SweepSpecParser.ParseFile(parse.GetValue(spec)!, BuiltInWorkloads.Registry);
            var expansion = SweepExpander.Expand(parsed, BuiltInWorkloads.Registry);
            Print(parsed, expansion, Math.Max(0, parse.GetValue(preview)));
            SweepDataCheck.Require(parsed);
            AnsiConsole.MarkupLine("[green]valid[/]: the data every trial reads is present.");
            return 0;
        }));
        return command;
    }

    private static void Print(SweepSpec spec, SweepExpansion expansion, int preview)
    {
        var trials = expansion.Trials;
        AnsiConsole.MarkupLineInterpolated(
            $"Sweep [bold]{spec.Name}[/] ({spec.Workload}): {Counted.Of(trials.Count, "trial")} in {Counted.Of(expansion.GroupCount, "configuration")} (seeds {string.Join(",", spec.Seeds)}), each evaluated on {Counted.Of(spec.Evaluation.Observations.Count, "observation")} in {Counted.Of(spec.Evaluation.Shards, "shard")}.");
        if (expansion.DuplicatesRemoved > 0)
            AnsiConsole.MarkupLineInterpolated($"{Counted.Of(expansion.DuplicatesRemoved, "duplicate trial")} removed (same configuration and seed).");
        if (expansion.Truncated)
            AnsiConsole.MarkupLineInterpolated($"limits.maxTrials cut {Counted.Of(expansion.TruncatedBy, "trial")} of {expansion.Planned}.");
        if (preview == 0 || trials.Count == 0)
            return;
        var searched = spec.Search.Keys.Order(StringComparer.Ordinal).ToList();
        var table = new Table().AddColumn("#");
        foreach (var name in searched)
            table.AddColumn(name);
        table.AddColumn("seed").AddColumn("config");
        foreach (var trial in trials.Take(preview))
        {
            var row = new List<string> { (trial.Index + 1).ToString() };
            row.AddRange(searched.Select(name => trial.Parameters[name].ToString()));
            row.Add(trial.Seed.ToString());
            row.Add(trial.ConfigHash);
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }
        AnsiConsole.Write(table);
        if (trials.Count > preview)
            AnsiConsole.MarkupLineInterpolated($"… and {trials.Count - preview:N0} more.");
    }
}
