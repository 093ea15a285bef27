using System.CommandLine;
using Orchestrator.Client.Cli;

var root = new RootCommand("orchestrator: free-form flow experiments on the sbibm benchmark")
{
    TrainCommand.Create(),
    BenchCommand.Create(),
};
return root.Parse(args).Invoke();
