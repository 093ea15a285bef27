using Orchestrator.Silo.TrialHost;

// A worker's child process: runs trials in isolation from the silo (a native abort takes only this process down).
if (args is ["trial-host", ..])
    return await TrialHostCommand.RunAsync(args[1..]);

// The Orleans silo host arrives with the orchestration issue; until then it only says so.
Console.Error.WriteLine("The silo host is not built yet: use 'orchestrator train' (Client/) to run one trial.");
return 1;
