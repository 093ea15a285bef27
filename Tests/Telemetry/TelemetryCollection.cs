namespace Orchestrator.Tests.Telemetry;

/// <summary>
/// Telemetry tests listen process-wide (ActivitySource and Meter listeners see every cluster in the process), so they
/// run alone: no other test's silos may add spans or measurements meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}
