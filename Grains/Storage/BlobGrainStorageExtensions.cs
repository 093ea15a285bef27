using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;

namespace Orchestrator.Grains.Storage;

/// <summary>Registers <see cref="BlobGrainStorage"/> as a named Orleans grain storage provider.</summary>
public static class BlobGrainStorageExtensions
{
    public static IServiceCollection AddBlobGrainStorage(this IServiceCollection services, string name, Action<BlobStorageOptions> configure)
    {
        services.AddOptions<BlobStorageOptions>(name).Configure(configure);
        // The factory returns the concrete type so AddGrainStorage also registers it as a lifecycle participant.
        return services.AddGrainStorage(name, BlobGrainStorage.Create);
    }

    public static ISiloBuilder AddBlobGrainStorage(this ISiloBuilder builder, string name, Action<BlobStorageOptions> configure) =>
        builder.ConfigureServices(services => services.AddBlobGrainStorage(name, configure));
}
