using System.CommandLine;
using Orchestrator.Client.Reports;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary><c>orchestrator report &lt;sweep&gt; [--out dir]</c>: one self-contained HTML report of a sweep on a running cluster.</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var sweep = new Argument<string>("sweep") { Description = "sweep name" };
        var output = new Option<string>("--out") { Description = "folder of the report (<sweep>.html)", DefaultValueFactory = _ => "reports" };
        var connection = new ConnectionOptions();
        var command = new Command("report", "Write a sweep's HTML report (plots, failures, a sortable table of every trial); opens offline.")
        {
            sweep, output,
        };
        connection.AddTo(command);
        command.SetAction((parse, cancellation) => ConsoleErrors.RunAsync(async () =>
        {
            await using var client = await ConnectionOptions.ConnectAsync(connection.Read(parse), cancellation);
            var path = await ReportWriter.WriteAsync(client, parse.GetValue(sweep)!, parse.GetValue(output)!);
            AnsiConsole.MarkupLineInterpolated($"Report: {path}");
            return 0;
        }));
        return command;
    }
}
