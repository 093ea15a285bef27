using System.CommandLine;
using Orchestrator.Client.Cli;
using Orchestrator.Training.Workloads;

// Redirected output (logs, pipes) gets wide tables instead of 80 columns with wrapped cells.
if (Console.IsOutputRedirected)
    Spectre.Console.AnsiConsole.Profile.Width = 240;

var root = new RootCommand("orchestrator: free-form flow experiments on the sbibm benchmark, run as sweeps on Orleans")
{
    RunCommand.Create(),
    TrainCommand.Create(BuiltInWorkloads.All),
    ValidateCommand.Create(),
    ReportCommand.Create(),
    BenchCommand.Create(),
    DataCommand.Create(),
};
foreach (var command in SweepCommands.Create())
    root.Add(command);
return await root.Parse(args).InvokeAsync();
