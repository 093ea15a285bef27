using System.CommandLine;
using Spectre.Console;

namespace Orchestrator.Tests.Client;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    /// <summary>Tests that redirect the console run alone.</summary>
    public const string Name = "console";
}

/// <summary>Runs CLI commands in this process and captures what they print (console and Spectre alike).</summary>
public static class CliRunner
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(IEnumerable<Command> commands, params string[] args)
    {
        var root = new RootCommand();
        foreach (var command in commands)
            root.Add(command);
        var (original, originalError, previousConsole) = (Console.Out, Console.Error, AnsiConsole.Console);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        // Spectre keeps the writer it was created with: give it this one for the run.
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        AnsiConsole.Console.Profile.Width = 240;
        try
        {
            var code = await root.Parse(args).InvokeAsync();
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(original);
            Console.SetError(originalError);
            AnsiConsole.Console = previousConsole;
        }
    }
}
