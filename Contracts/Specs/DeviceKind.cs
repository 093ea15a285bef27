namespace Orchestrator.Contracts.Specs;

/// <summary>The kind of device trials run on.</summary>
[GenerateSerializer, Alias("orchestrator.specs.DeviceKind")]
public enum DeviceKind
{
    Cpu = 0,
    Cuda = 1,
}
