using Orchestrator.Client.Sdk;
using Orchestrator.Contracts.Sweeps;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>
/// Live view of a sweep: an overall bar (finished trials / total) and one bar per running trial on an interactive
/// terminal, with the best groups so far (<see cref="Leaderboard"/>) under them; one line per event when output is
/// redirected, and a "best:" line whenever the leaderboard changes.
/// </summary>
public static class SweepProgressView
{
    public static async Task FollowAsync(IOrchestratorClient client, string sweep, CancellationToken cancellation)
    {
        var leaderboard = new Leaderboard(client, sweep);
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            await foreach (var p in client.WatchAsync(sweep, cancellation))
            {
                var s = p.Status;
                Console.WriteLine($"{DateTime.Now:HH:mm:ss} [{s.Completed + s.Failed + s.Cancelled}/{s.Total}] {(p.Trial is null ? "" : (p.Label ?? p.Trial) + ": ")}{p.Message}");
                if (await leaderboard.RefreshAsync(s, cancellation, force: s.IsFinished))
                    Console.WriteLine($"{DateTime.Now:HH:mm:ss} {leaderboard.Line()}");
            }
            return;
        }
        await AnsiConsole.Progress()
            .UseRenderHook((bars, _) => leaderboard.Best.Count == 0 ? bars : new Rows(bars, leaderboard.Table()))
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(),
                new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var overall = ctx.AddTask($"[bold]{sweep}[/]", maxValue: 1);
                var trials = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                await foreach (var p in client.WatchAsync(sweep, cancellation))
                {
                    var s = p.Status;
                    overall.MaxValue = Math.Max(1, s.Total);
                    overall.Value = s.Completed + s.Failed + s.Cancelled;
                    overall.Description = $"[bold]{sweep}[/] {s.Completed} done, {s.Running} running, {s.Pending} pending, {s.Failed} failed";
                    await leaderboard.RefreshAsync(s, cancellation, force: s.IsFinished); // the last table is complete
                    if (p.Trial is not { } trial)
                        continue;
                    if (!trials.TryGetValue(trial, out var bar))
                        trials[trial] = bar = ctx.AddTask(Markup.Escape(p.Label ?? trial), maxValue: 1);
                    if (p.Work is { Epochs: > 0 } w)
                    {
                        bar.MaxValue = w.Epochs;
                        bar.Value = w.Epoch;
                    }
                    bar.Description = $"{Markup.Escape(p.Label ?? trial)} {Markup.Escape(p.Message)}";
                    if (p.TrialStatus is Contracts.Trials.TrialStatus.Completed or Contracts.Trials.TrialStatus.Failed or Contracts.Trials.TrialStatus.Cancelled or Contracts.Trials.TrialStatus.Stopped)
                    {
                        bar.Value = bar.MaxValue;
                        bar.StopTask();
                    }
                }
                overall.Value = overall.MaxValue;
            });
    }
}
