using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestrator.Contracts.Storage;

namespace Orchestrator.Grains.Storage;

/// <summary>Registers the one <see cref="IResultStore"/> a host uses: Azure blobs, or a local folder (the default that needs no setup).</summary>
public static class ResultStoreServiceCollectionExtensions
{
    public static IServiceCollection AddBlobResultStore(this IServiceCollection services, Action<BlobStorageOptions> configure)
    {
        var options = new BlobStorageOptions { ContainerName = "results" };
        configure(options);
        services.RemoveAll<IResultStore>();
        return services.AddSingleton<IResultStore>(new BlobResultStore(options));
    }

    public static IServiceCollection AddLocalDirectoryResultStore(this IServiceCollection services, string root)
    {
        services.RemoveAll<IResultStore>();
        return services.AddSingleton<IResultStore>(_ => new LocalDirectoryResultStore(root));
    }
}
