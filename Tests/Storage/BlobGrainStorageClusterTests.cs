using Azure.Storage.Blobs.Models;
using Orchestrator.Grains.Storage;
using Orchestrator.Tests.Infrastructure;
using Orleans.TestingHost;

namespace Orchestrator.Tests.Storage;

/// <summary>A real in-process Orleans cluster persisting [PersistentState] through the blob provider.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobGrainStorageClusterTests(AzuriteFixture azurite)
{
    public const string StorageName = "blob";

    [Fact]
    public async Task Grain_state_survives_deactivation_and_lands_in_the_container()
    {
        var containerName = AzuriteFixture.NewContainerName("cluster");
        var connectionString = azurite.ConnectionString;
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo.AddBlobGrainStorage(StorageName, options =>
        {
            options.ConnectionString = connectionString;
            options.ContainerName = containerName;
        }));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        // The provider joined the silo lifecycle: the container exists before any grain wrote.
        var container = azurite.Container(containerName);
        Assert.True((await container.ExistsAsync()).Value);

        var grain = cluster.Client.GetGrain<IPersistentCounterGrain>("trial/7");
        Assert.Equal(1, await grain.IncrementAsync("a"));
        Assert.Equal(2, await grain.IncrementAsync("b"));
        await grain.DeactivateAsync();
        await cluster.WaitForDeactivationAsync(grain);

        var reloaded = await grain.GetAsync();
        Assert.Equal(2, reloaded.Count);
        Assert.Equal(["a", "b"], reloaded.History);
        Assert.Equal(3, await grain.IncrementAsync("c"));

        var blobs = new List<BlobItem>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions()))
        {
            blobs.Add(blob);
        }
        var only = Assert.Single(blobs);
        Assert.StartsWith("counter-", only.Name);
        Assert.EndsWith("~2Ftrial~2F7.json", only.Name);

        await cluster.StopAllSilosAsync();
    }
}
