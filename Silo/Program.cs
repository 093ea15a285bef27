// The Orleans silo host arrives with the orchestration issue; until then it only says so.
Console.Error.WriteLine("The silo host is not built yet: use 'orchestrator train' (Client/) to run one trial.");
return 1;
