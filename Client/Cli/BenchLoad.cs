namespace Orchestrator.Client.Cli;

/// <summary>The machine's load average, printed next to timings measured on a shared machine.</summary>
internal static class BenchLoad
{
    public static string Describe()
    {
        const string path = "/proc/loadavg";
        var load = File.Exists(path) ? string.Join(" ", File.ReadAllText(path).Split(' ').Take(3)) : "unknown";
        return $"load average {load} on {Environment.ProcessorCount} cores";
    }
}
