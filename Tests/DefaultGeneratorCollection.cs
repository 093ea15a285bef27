namespace Orchestrator.Tests;

/// <summary>
/// Tests that seed TorchSharp's process-wide default generator (manual_seed, then layer initialisation) and compare
/// runs that must start from the same weights: no other test may draw from that generator meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DefaultGeneratorCollection
{
    public const string Name = "default-generator";
}
