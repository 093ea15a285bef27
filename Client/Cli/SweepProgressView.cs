using Orchestrator.Client.Sdk;
using Orchestrator.Contracts.Sweeps;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>
/// Live view of a sweep: an overall bar (finished trials / total) and one bar per running trial on an interactive
/// terminal; one line per event when output is redirected.
/// </summary>
public static class SweepProgressView
{
    public static async Task FollowAsync(IOrchestratorClient client, string sweep, CancellationToken cancellation)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            await foreach (var p in client.WatchAsync(sweep, cancellation))
            {
                var s = p.Status;
                Console.WriteLine($"{DateTime.Now:HH:mm:ss} [{s.Completed + s.Failed + s.Cancelled}/{s.Total}] {(p.Trial is null ? "" : (p.Label ?? p.Trial) + ": ")}{p.Message}");
            }
            return;
        }
        await AnsiConsole.Progress()
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
                    if (p.TrialStatus is Contracts.Trials.TrialStatus.Completed or Contracts.Trials.TrialStatus.Failed or Contracts.Trials.TrialStatus.Cancelled)
                    {
                        bar.Value = bar.MaxValue;
                        bar.StopTask();
                    }
                }
                overall.Value = overall.MaxValue;
            });
    }
}
