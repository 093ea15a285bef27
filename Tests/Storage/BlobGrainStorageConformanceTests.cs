using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Grains.Storage;
using Orchestrator.Tests.Infrastructure;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Orchestrator.Tests.Storage;

/// <summary>The grain storage conformance cases against a real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobGrainStorageConformanceTests(AzuriteFixture azurite) : GrainStorageConformanceCases
{
    protected override IGrainStorage NewStorage() => new BlobGrainStorage(
        "test",
        new BlobStorageOptions { ConnectionString = azurite.ConnectionString, ContainerName = AzuriteFixture.NewContainerName("grains") },
        new SystemTextJsonGrainStorageSerializer(Options.Create(new SystemTextJsonGrainStorageSerializerOptions())),
        NullLogger<BlobGrainStorage>.Instance);

    [Fact]
    public void Blob_names_are_flat_safe_and_distinct()
    {
        var a = GrainBlobNames.For("s", GrainId.Create("a_b", "c"));
        var b = GrainBlobNames.For("s", GrainId.Create("a", "b_c"));
        var c = GrainBlobNames.For("s-x", GrainId.Create("t", "k"));
        var d = GrainBlobNames.For("s", GrainId.Create("x-t", "k"));
        Assert.Equal(4, new HashSet<string>([a, b, c, d]).Count);
        Assert.All(new[] { a, b, c, d }, name =>
        {
            Assert.EndsWith(".json", name);
            Assert.DoesNotContain('/', name);
        });
        Assert.Equal("counter-worker~2Fhost~2Fgpu0.json", GrainBlobNames.For("counter", GrainId.Create("worker", "host/gpu0")));
    }
}
