using Orchestrator.Protocol;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>
/// Progress of one in-process trial from its protocol events: a bar per phase (epochs, then observations) on an
/// interactive terminal; plain lines (about every 10% of epochs) when output is redirected, so logs show progress too.
/// </summary>
public static class TrainProgress
{
    public static Completed Run(TrainRequest request, Func<Action<TrialHostEvent>, Completed> run)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
            return run(PrintLine);
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
                            training.Description = $"epoch {epoch.EpochNumber}/{epoch.Epochs} loss {epoch.TrainLoss:F3} val NLL {epoch.ValNll:F3}";
                            break;
                        case Evaluated v:
                            evaluation.StartTask();
                            evaluation.Increment(1);
                            evaluation.Description = $"observation {v.Observation}: {v.C2st:F3}";
                            break;
                    }
                });
            });
    }

    private static void PrintLine(TrialHostEvent e)
    {
        var line = e switch
        {
            Resumed r => $"resumed after epoch {r.EpochsDone}",
            Epoch p when p.EpochNumber % Math.Max(1, p.Epochs / 10) == 0 || p.EpochNumber == p.Epochs =>
                $"epoch {p.EpochNumber}/{p.Epochs}: loss {p.TrainLoss:F4}, val NLL {p.ValNll:F4}, val recon {p.ValReconstruction:F5}, lr {p.Lr:G3}, {p.StepSeconds * 1000:F1} ms/step",
            Evaluated v => $"observation {v.Observation}: {v.C2st:F4} (acceptance {v.Acceptance:P1})",
            _ => null,
        };
        if (line is not null)
            Console.WriteLine(line);
    }
}
