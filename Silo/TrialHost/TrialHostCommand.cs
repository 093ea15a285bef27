using System.Text;

namespace Orchestrator.Silo.TrialHost;

/// <summary>
/// <c>Orchestrator.Silo trial-host</c>: the child process of a worker slot. Reads requests from stdin, writes events to
/// stdout (and nothing else: everything that would print to the console goes to stderr), exits 0 on Shutdown or EOF.
/// </summary>
public static class TrialHostCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0)
        {
            await Console.Error.WriteLineAsync($"trial-host takes no arguments (got: {string.Join(' ', args)}).");
            return 2;
        }
        // Take the real stdout for the protocol before anything can print to it; library output goes to stderr.
        var protocolOut = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
        Console.SetOut(Console.Error);
        using var events = new TrialHostEventWriter(protocolOut);
        using var input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
        using var telemetry = new TrialHostTelemetry();
        using var server = new TrialHostServer(input, events, WorkloadRegistry.Default, telemetry);
        return await server.RunAsync();
    }
}
