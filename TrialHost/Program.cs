using System.Text;
using Orchestrator.TrialHost;

// Orchestrator.TrialHost [--workloads <assembly.dll>]…: the child process of a worker slot. Reads requests from stdin,
// writes events to stdout (and nothing else: everything that would print to the console goes to stderr), exits 0 on
// Shutdown or EOF.
// "cuda-probe": the silo counts CUDA devices through this process, so that loading libtorch never happens in the silo.
if (args is [CudaProbe.Command])
    return CudaProbe.Run();
if (!WorkloadAssemblies.TryLoad(args, out var workloads, out var problem))
{
    await Console.Error.WriteLineAsync($"trial-host: {problem}");
    return 2;
}
// Take the real stdout for the protocol before anything can print to it; library output goes to stderr.
var protocolOut = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
Console.SetOut(Console.Error);
using var events = new TrialHostEventWriter(protocolOut);
using var input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
using var telemetry = new TrialHostTelemetry();
using var server = new TrialHostServer(input, events, workloads, telemetry);
return await server.RunAsync();
