namespace Orchestrator.Tests.Packing;

/// <summary>
/// Packing tests compare packed members with standalone trials started from the same seed: layer initialisation draws
/// from TorchSharp's process-wide default generator, so no other test may draw from it meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackingCollection
{
    public const string Name = "packing";
}
