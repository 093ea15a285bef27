using Microsoft.Extensions.Options;
using Orchestrator.Contracts.Specs;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>Turns failures into one clear line (a spec's validation errors: one line each) instead of a stack trace.</summary>
public static class ConsoleErrors
{
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (Handle(e) is { } code)
        {
            return code;
        }
    }

    public static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (Handle(e) is { } code)
        {
            return code;
        }
    }

    private static int? Handle(Exception e)
    {
        switch (e)
        {
            case OperationCanceledException:
                AnsiConsole.MarkupLine("[yellow]cancelled[/]");
                return 130;
            case SpecValidationException invalid:
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] the sweep spec is invalid ({invalid.Errors.Count} problem(s)):");
                foreach (var error in invalid.Errors)
                    AnsiConsole.MarkupLineInterpolated($"  {error}");
                return 2;
            case OptionsValidationException invalidOptions:
                foreach (var failure in invalidOptions.Failures)
                    AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {failure}");
                return 2;
            case ArgumentException or InvalidOperationException or IOException or InvalidDataException or KeyNotFoundException
                or UnauthorizedAccessException or Training.Optimization.TrainingFailedException or OrleansException or TimeoutException:
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
                return 1;
            default:
                return null;
        }
    }
}
