using Orchestrator.Contracts.Sweeps;
using Orchestrator.Protocol;
using Orchestrator.Workloads;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>
/// Progress of one in-process trial from its protocol events: a bar per phase (epochs, then observations) on an
/// interactive terminal; plain lines (about every 10% of epochs) when output is redirected, so logs show progress too.
/// Metrics are labelled as the workload's descriptor declares them.
/// </summary>
public static class TrainProgress
{
    public static Completed Run(WorkloadDescriptor workload, TrainRequest request, Func<Action<TrialHostEvent>, Completed> run)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
            return run(e => PrintLine(workload, e));
        return AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var training = ctx.AddTask("starting");
                var evaluation = ctx.AddTask("evaluation", autoStart: false, maxValue: Math.Max(1, request.Observations.Count));
                return run(e =>
                {
                    switch (e)
                    {
                        case Resumed r:
                            training.Description = $"resumed after epoch {r.EpochsDone}";
                            break;
                        case Epoch epoch:
                            training.MaxValue = epoch.Epochs;
                            training.Value = epoch.EpochNumber;
                            training.Description = Markup.Escape(
                                $"epoch {epoch.EpochNumber}/{epoch.Epochs} {MetricText.Values(workload.EpochMetrics, epoch.Metrics, MetricText.Shown, " ")}");
                            break;
                        case Evaluated v:
                            evaluation.StartTask();
                            evaluation.Increment(1);
                            evaluation.Description = Markup.Escape($"observation {v.Observation}: {workload.PrimaryMetric.Label} {v.Score:F3}");
                            break;
                    }
                });
            });
    }

    private static void PrintLine(WorkloadDescriptor workload, TrialHostEvent e)
    {
        var line = e switch
        {
            Resumed r => $"resumed after epoch {r.EpochsDone}",
            Epoch p when p.EpochNumber % Math.Max(1, p.Epochs / 10) == 0 || p.EpochNumber == p.Epochs =>
                $"epoch {p.EpochNumber}/{p.Epochs}: {MetricText.Values(workload.EpochMetrics, p.Metrics, int.MaxValue, ", ", "G4")}",
            Evaluated v => $"observation {v.Observation}: {workload.PrimaryMetric.Label} {v.Score:F4} (acceptance {v.Acceptance:P1})",
            _ => null,
        };
        if (line is not null)
            Console.WriteLine(line);
    }
}
