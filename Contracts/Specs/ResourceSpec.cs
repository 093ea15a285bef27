namespace Orchestrator.Contracts.Specs;

/// <summary>What each trial needs: the device kind and how many trials one worker runs at once.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.specs.ResourceSpec")]
public sealed record ResourceSpec
{
    [Id(0)] public DeviceKind Device { get; init; } = DeviceKind.Cpu;
    [Id(1)] public int TrialsPerWorker { get; init; } = 1;
}
