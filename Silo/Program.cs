using Orchestrator.Silo;
using Orchestrator.Silo.TrialHost;

// A worker's child process: runs trials in isolation from the silo (a native abort takes only this process down).
if (args is ["trial-host", ..])
    return await TrialHostCommand.RunAsync(args[1..]);

return await SiloHost.RunAsync(args);
