using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>Turns failures into one clear line instead of a stack trace.</summary>
public static class ConsoleErrors
{
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]cancelled[/]");
            return 130;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or InvalidDataException
                                      or Training.Optimization.TrainingFailedException or FileNotFoundException or DirectoryNotFoundException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 1;
        }
    }
}
