using System.CommandLine;
using Orchestrator.Client.Sdk;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Training.Workloads;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>
/// <c>submit</c>, <c>watch</c>, <c>ls</c>, <c>results</c>, <c>cancel</c>, <c>resume</c>, <c>rm</c>, <c>logs</c>, <c>metrics</c>: talk to a running cluster
/// through the SDK's <see cref="IOrchestratorClient"/>.
/// </summary>
public sealed class SweepCommands(Func<ClientConnectionOptions, CancellationToken, Task<IOrchestratorClient>> connect)
{
    /// <summary>The commands over a real connection (<see cref="ConnectionOptions.ConnectAsync"/>).</summary>
    public static IEnumerable<Command> Create() => new SweepCommands(ConnectionOptions.ConnectAsync).All();

    /// <summary>Every command; each connects through the function this instance was made with (tests pass a fake).</summary>
    public IEnumerable<Command> All()
    {
        yield return Submit();
        yield return Watch();
        yield return List();
        yield return Results();
        yield return Archive();
        yield return Cancel();
        yield return Resume();
        yield return Remove();
        yield return Logs();
        yield return Metrics();
    }

    private Command Submit()
    {
        var spec = new Argument<string>("spec") { Description = "sweep spec file (.yaml, .yml or .json)" };
        var watch = new Option<bool>("--watch") { Description = "follow progress until the sweep ends" };
        SweepSpec? parsed = null;
        return Connected("submit", "Submit a sweep to a running cluster (idempotent for the same name and spec).", [spec], [watch],
            async (parse, client, ct) =>
            {
                var status = await client.SubmitAsync(parsed!, ct);
                AnsiConsole.MarkupLineInterpolated($"Submitted [bold]{status.Name}[/]: {Counted.Of(status.Total, "trial")} ({status.Completed} already completed). Follow it with 'orchestrator watch {status.Name}'.");
                if (parse.GetValue(watch))
                    await SweepProgressView.FollowAsync(client, status.Name, ct);
                return 0;
            },
            // Parse and validate before connecting: a bad spec is reported without a cluster.
            before: parse => parsed = SweepSpecParser.ParseFile(parse.GetValue(spec)!, BuiltInWorkloads.Registry));
    }

    private Command Watch()
    {
        var name = new Argument<string>("sweep") { Description = "sweep name" };
        return Connected("watch", "Follow a sweep's progress until it ends, then print its results.", [name], [],
            async (parse, client, ct) =>
            {
                await SweepProgressView.FollowAsync(client, parse.GetValue(name)!, ct);
                ResultsView.Print(await client.GetResultsAsync(parse.GetValue(name)!, ct));
                return 0;
            });
    }

    private Command List()
    {
        var all = new Option<bool>("--all") { Description = "include archived sweeps" };
        return Connected("ls", "List the cluster's sweeps (one stored record per finished sweep; archived ones with --all).", [], [all],
            async (parse, client, ct) =>
            {
                var table = new Table().AddColumns("sweep", "phase", "trials", "completed", "running", "pending", "failed", "cancelled", "submitted");
                foreach (var s in parse.GetValue(all) ? await client.ListAllAsync(ct) : await client.ListAsync(ct))
                    table.AddRow(s.Name, s.Phase.ToString(), s.Total.ToString(), s.Completed.ToString(), s.Running.ToString(), s.Pending.ToString(),
                        s.Failed.ToString(), s.Cancelled.ToString(), s.SubmittedAt.ToLocalTime().ToString("g"));
                AnsiConsole.Write(table);
                return 0;
            });
    }

    private Command Archive()
    {
        var name = new Argument<string>("sweep") { Description = "sweep name" };
        var restore = new Option<bool>("--restore") { Description = "list the sweep again" };
        return Connected("archive", "Move a finished sweep out of 'ls' (its results stay; 'ls --all' shows it).", [name], [restore],
            async (parse, client, ct) =>
            {
                await client.ArchiveAsync(parse.GetValue(name)!, !parse.GetValue(restore), ct);
                AnsiConsole.MarkupLineInterpolated($"{parse.GetValue(name)}: {(parse.GetValue(restore) ? "listed again" : "archived")}.");
                return 0;
            });
    }

    private Command Results()
    {
        var name = new Argument<string>("sweep") { Description = "sweep name" };
        var top = new Option<int>("--top") { Description = $"best trials and config groups to show, by the objective (at most {ResultsQuery.MaxLimit})", DefaultValueFactory = _ => 20 };
        var skip = new Option<int>("--skip") { Description = "ranked trials to skip first (the next page: --skip 20)", DefaultValueFactory = _ => 0 };
        var status = new Option<string?>("--status") { Description = "only trials in this state: pending, running, evaluating, completed, failed, cancelled" };
        var group = new Option<string?>("--group") { Description = "only trials of this config group (its group hash)" };
        var csv = new Option<bool>("--csv") { Description = "export every (matching) trial as CSV, streamed page by page" };
        var json = new Option<bool>("--json") { Description = "export every (matching) trial and every group as JSON, streamed page by page" };
        return Connected("results", "Print a sweep's best trials and config groups (the objective's mean ± SEM over seeds), or export them all.",
            [name], [top, skip, status, group, csv, json],
            async (parse, client, ct) =>
            {
                var sweep = parse.GetValue(name)!;
                var state = parse.GetValue(status) is { } text
                    ? Enum.TryParse<Contracts.Trials.TrialStatus>(text, ignoreCase: true, out var parsed) ? parsed
                        : throw new ArgumentException($"--status: unknown state '{text}' (pending, running, evaluating, completed, failed, cancelled).")
                    : (Contracts.Trials.TrialStatus?)null;
                if (parse.GetValue(csv))
                {
                    // An empty page names the metric columns (as the workload declares them), then the rows stream.
                    var columns = await client.GetResultsPageAsync(sweep, new ResultsQuery(0, Groups: 0), ct);
                    await SummaryCsv.WriteAsync(Console.Out, columns.Metrics, client.ExportAsync(sweep, state, ct), ct);
                    return 0;
                }
                if (parse.GetValue(json))
                {
                    // Groups page by page (bounded answers), then the trials streamed.
                    var first = await client.GetResultsPageAsync(sweep, new ResultsQuery(0, Groups: ResultsQuery.MaxLimit), ct);
                    var groups = first.Groups.ToList();
                    while (groups.Count < first.GroupCount
                        && (await client.GetResultsPageAsync(sweep, new ResultsQuery(0, Groups: ResultsQuery.MaxLimit, GroupsAfter: groups.Count), ct)).Groups is { Count: > 0 } more)
                        groups.AddRange(more);
                    await SweepResultsJson.WriteAsync(Console.Out, first.Status, first.Searched, first.Objective, first.Metrics, groups,
                        client.ExportAsync(sweep, state, ct), ct);
                    return 0;
                }
                var limit = Math.Clamp(parse.GetValue(top), 1, ResultsQuery.MaxLimit);
                var page = await client.GetResultsPageAsync(sweep, new ResultsQuery(limit, parse.GetValue(skip), state, parse.GetValue(group), Groups: limit), ct);
                ResultsView.Print(new SweepResults(page.Status, page.Searched, page.Trials, page.Groups, page.Objective, page.Metrics), perTrial: true, ranked: true);
                AnsiConsole.MarkupLineInterpolated($"best {page.Groups.Count} of {page.GroupCount} config groups; trials {parse.GetValue(skip) + 1}-{parse.GetValue(skip) + page.Trials.Count} of {page.Matching} matching (started trials only); next page: --skip {parse.GetValue(skip) + limit}");
                return 0;
            });
    }

    private Command Cancel()
    {
        var name = new Argument<string>("sweep") { Description = "sweep name" };
        return Connected("cancel", "Cancel a sweep's pending and running trials (completed results are kept).", [name], [],
            async (parse, client, ct) =>
            {
                var status = await client.CancelAsync(parse.GetValue(name)!, ct);
                AnsiConsole.MarkupLineInterpolated($"{status.Name}: {status.Phase}, {status.Completed} completed, {status.Cancelled} cancelled.");
                return 0;
            });
    }

    private Command Resume()
    {
        var name = new Argument<string>("sweep") { Description = "sweep name" };
        var trial = new Argument<string?>("trial")
        {
            Description = "with --promote: the stopped trial to continue (its config hash or a unique start of it); default every stopped trial",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var retryFailed = new Option<bool>("--retry-failed") { Description = "also run failed trials again, from their last checkpoint" };
        var promote = new Option<bool>("--promote") { Description = "continue trials that early stopping stopped to their full budget, from their checkpoint" };
        return Connected("resume", "Continue a cancelled or interrupted sweep; completed trials are not rerun.", [name, trial], [retryFailed, promote],
            async (parse, client, ct) =>
            {
                if (parse.GetValue(trial) is { } one && !parse.GetValue(promote))
                    throw new ArgumentException($"'{one}': a trial is given only with --promote.");
                var status = parse.GetValue(promote)
                    ? await client.PromoteAsync(parse.GetValue(name)!, parse.GetValue(trial), ct)
                    : await client.ResumeAsync(parse.GetValue(name)!, parse.GetValue(retryFailed), ct);
                AnsiConsole.MarkupLineInterpolated($"{status.Name}: {status.Phase}, {status.Pending} pending, {status.Completed} completed.");
                return 0;
            });
    }

    private Command Remove()
    {
        var name = new Argument<string>("sweep") { Description = "sweep name" };
        var yes = new Option<bool>("--yes", "-y") { Description = "delete without asking (for scripts)" };
        return Connected("rm", "Delete a sweep with all its results, after confirmation (running trials are cancelled first).", [name], [yes],
            async (parse, client, ct) =>
            {
                var sweep = parse.GetValue(name)!;
                var status = await client.GetStatusAsync(sweep, ct);
                if (!parse.GetValue(yes))
                {
                    Console.Write($"Delete sweep '{sweep}' ({Counted.Of(status.Total, "trial")}, {status.Completed} completed, {status.Running} running) with all its results? [y/N] ");
                    if (Console.In.ReadLine()?.Trim().ToLowerInvariant() is not ("y" or "yes"))
                    {
                        Console.WriteLine("Not deleted.");
                        return 1;
                    }
                }
                await client.DeleteAsync(sweep, ct);
                AnsiConsole.MarkupLineInterpolated($"Deleted [bold]{sweep}[/] and its results.");
                return 0;
            });
    }

    private Command Logs()
    {
        var name = new Argument<string>("sweep") { Description = "sweep name" };
        var trial = new Argument<string>("trial") { Description = "trial id: its config hash (the 'trial' column of 'results')" };
        return Connected("logs", "Print a trial's log: every attempt's worker and trial-host lines, timestamped.", [name, trial], [],
            async (parse, client, ct) =>
            {
                var lines = await client.GetTrialLogAsync(parse.GetValue(name)!, parse.GetValue(trial)!, ct);
                if (lines.Count == 0)
                {
                    Console.Error.WriteLine($"No log stored for trial '{parse.GetValue(trial)}' of sweep '{parse.GetValue(name)}' (an attempt's log is stored when it ends).");
                    return 1;
                }
                foreach (var line in lines)
                    Console.WriteLine(line);
                return 0;
            });
    }

    private Command Metrics()
    {
        var name = new Argument<string>("sweep") { Description = "sweep name" };
        var trial = new Argument<string>("trial") { Description = "trial id: its config hash (the 'trial' column of 'results')" };
        var json = new Option<bool>("--json") { Description = "print the stored JSON lines as they are" };
        return Connected("metrics", "Print a trial's per-epoch metrics, as stored (one row per epoch and attempt).", [name, trial], [json],
            async (parse, client, ct) =>
            {
                var lines = await client.GetTrialMetricsAsync(parse.GetValue(name)!, parse.GetValue(trial)!, ct);
                if (lines.Count == 0)
                {
                    Console.Error.WriteLine($"No metrics stored for trial '{parse.GetValue(trial)}' of sweep '{parse.GetValue(name)}'.");
                    return 1;
                }
                if (parse.GetValue(json))
                {
                    lines.ToList().ForEach(Console.WriteLine);
                }
                else
                {
                    // Headed by the workload's per-epoch labels (an empty page carries them).
                    var page = await client.GetResultsPageAsync(parse.GetValue(name)!, new ResultsQuery(Limit: 0, Groups: 0), ct);
                    AnsiConsole.Write(TrialMetricsView.Table(lines, page.EpochMetrics ?? []));
                }
                return 0;
            });
    }

    private Command Connected(string name, string description, Argument[] arguments, Option[] options,
        Func<ParseResult, IOrchestratorClient, CancellationToken, Task<int>> action, Action<ParseResult>? before = null)
    {
        var connection = new ConnectionOptions();
        var command = new Command(name, description);
        foreach (var argument in arguments)
            command.Add(argument);
        foreach (var option in options)
            command.Add(option);
        connection.AddTo(command);
        command.SetAction((parse, cancellation) => ConsoleErrors.RunAsync(async () =>
        {
            before?.Invoke(parse);
            await using var client = await connect(connection.Read(parse), cancellation);
            return await action(parse, client, cancellation);
        }));
        return command;
    }
}
