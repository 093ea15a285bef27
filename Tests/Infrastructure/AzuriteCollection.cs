namespace Orchestrator.Tests.Infrastructure;

/// <summary>Tests in this collection share one Azurite server; each uses its own container.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
