using Orchestrator.Grains.Hosting;

namespace Orchestrator.Grains.Workers;

/// <summary>How a worker starts its trial host: the configured command, or this installation's Orchestrator.TrialHost.</summary>
public static class TrialHostLaunch
{
    public static TrialProcessOptions Options(OrchestratorOptions options)
    {
        var launch = TrialProcessOptions.Default();
        if (!string.IsNullOrWhiteSpace(options.TrialHostCommand))
        {
            var parts = options.TrialHostCommand.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            launch = new TrialProcessOptions { FileName = parts[0], Arguments = parts[1..] };
        }
        return launch with { Environment = TelemetryEnvironment(options.Telemetry) };
    }

    /// <summary>The silo's OTLP destination, however it was configured, as the standard variables the child reads.</summary>
    private static Dictionary<string, string?> TelemetryEnvironment(Telemetry.TelemetryOptions telemetry) => telemetry.Otlp
        ? new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = telemetry.OtlpEndpoint, ["OTEL_EXPORTER_OTLP_PROTOCOL"] = telemetry.OtlpProtocol }
        : new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null };
}
