namespace Orchestrator.Contracts.Specs;

/// <summary>What each trial needs: the device kind. (A worker slot runs one trial at a time; more at once = more slots.)</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.specs.ResourceSpec")]
public sealed record ResourceSpec
{
    [Id(0)] public DeviceKind Device { get; init; } = DeviceKind.Cpu;
}
