using Orchestrator.Silo;

return await SiloHost.RunAsync(args);
