using Orchestrator.Training.Trials;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>
/// A live progress bar per trial phase (epochs, then observations) on an interactive terminal; plain progress
/// lines (about every 10% of epochs) when output is redirected, so logs show progress too.
/// </summary>
public static class TrialProgressDisplay
{
    public static TrialResult Run(TrialConfig config, Func<Action<TrialProgress>, TrialResult> run)
    {
        var epochs = config.Training.Epochs;
        if (!AnsiConsole.Profile.Capabilities.Interactive)
            return run(p => PrintLine(p, epochs));
        return AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var training = ctx.AddTask("simulating", maxValue: epochs);
                var evaluation = ctx.AddTask("C2ST", autoStart: false, maxValue: config.Observations.Count);
                return run(p =>
                {
                    switch (p)
                    {
                        case TrialProgress.Simulated s:
                            training.Description = $"training ({s.Pairs} pairs)";
                            break;
                        case TrialProgress.Resumed r:
                            training.Value = r.EpochsDone;
                            break;
                        case TrialProgress.Epoch { Progress: var e }:
                            training.Value = e.Epoch;
                            training.Description = $"epoch {e.Epoch}/{e.Epochs} loss {e.TrainLoss:F3} val NLL {e.ValidationNll:F3}";
                            break;
                        case TrialProgress.Evaluated v:
                            evaluation.StartTask();
                            evaluation.Increment(1);
                            evaluation.Description = $"C2ST obs {v.Observation}: {v.C2st:F3}";
                            break;
                    }
                });
            });
    }

    private static void PrintLine(TrialProgress p, int epochs)
    {
        var every = Math.Max(1, epochs / 10);
        var line = p switch
        {
            TrialProgress.Simulated s => $"simulated {s.Pairs} pairs ({s.Dropped} dropped) in {s.Seconds:F1} s",
            TrialProgress.Resumed r => $"resumed after epoch {r.EpochsDone}",
            TrialProgress.Epoch { Progress: var e } when e.Epoch % every == 0 || e.Epoch == e.Epochs =>
                $"epoch {e.Epoch}/{e.Epochs}: loss {e.TrainLoss:F4}, val NLL {e.ValidationNll:F4}, val recon {e.ValidationReconstruction:F5}, lr {e.LearningRate:G3}, {e.StepSeconds * 1000:F1} ms/step",
            TrialProgress.Evaluated v => $"observation {v.Observation}: C2ST {v.C2st:F4} (acceptance {v.AcceptanceRate:P1})",
            _ => null,
        };
        if (line is not null)
            Console.WriteLine(line);
    }
}
