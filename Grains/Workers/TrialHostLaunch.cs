using Orchestrator.Grains.Hosting;

namespace Orchestrator.Grains.Workers;

/// <summary>How a worker starts its trial host: the configured command, or this installation's Orchestrator.TrialHost.</summary>
public static class TrialHostLaunch
{
    public static TrialProcessOptions Options(OrchestratorOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.TrialHostCommand))
            return TrialProcessOptions.Default();
        var parts = options.TrialHostCommand.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new TrialProcessOptions { FileName = parts[0], Arguments = parts[1..] };
    }
}
