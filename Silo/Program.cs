using Orchestrator.Silo;
using Orchestrator.Silo.TrialHost;

// A worker's child process: runs trials in isolation from the silo (a native abort takes only this process down).
if (args is ["trial-host", ..])
    return await TrialHostCommand.RunAsync(args[1..]);
if (args is [CudaProbe.Command])
    return CudaProbe.Run();

return await SiloHost.RunAsync(args);
