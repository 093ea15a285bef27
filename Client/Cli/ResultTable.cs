using Orchestrator.Training.Trials;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>The final table of a trial: C2ST per observation and the summary numbers.</summary>
public static class ResultTable
{
    public static void Print(TrialResult result)
    {
        var table = new Table().Title($"{result.Config.Task} · budget {result.Config.Budget} · β {result.Config.Training.Beta}");
        table.AddColumn("observation").AddColumn(new TableColumn("C2ST").RightAligned()).AddColumn(new TableColumn("prior acceptance").RightAligned());
        foreach (var o in result.Observations)
            table.AddRow(o.Observation.ToString(), $"{o.C2st:F4}", $"{o.AcceptanceRate:P1}");
        table.AddRow("[bold]mean[/]", $"[bold]{result.MeanC2st:F4}[/]", "");
        AnsiConsole.Write(table);
        var t = result.Timings;
        AnsiConsole.MarkupLineInterpolated(
            $"validation NLL {result.ValidationNll:F4} (encoder {result.ValidationNllEncoder:F4}), reconstruction {result.ValidationReconstruction:G4}, skipped batches {result.SkippedBatches}, dropped simulations {result.DroppedSimulations}");
        AnsiConsole.MarkupLineInterpolated(
            $"time: simulation {t.SimulationSeconds:F1} s, training {t.TrainingSeconds:F1} s ({t.StepSeconds * 1000:F2} ms/step), sampling {t.SamplingSeconds:F1} s, C2ST {t.C2stSeconds:F1} s, total {t.TotalSeconds:F1} s");
    }
}
