using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Grains.Hosting;

namespace Orchestrator.Silo;

/// <summary>
/// The orchestrator silo: configuration from appsettings.json, environment (Orchestrator__X) and the command line
/// (--Orchestrator:X=value); localhost clustering for one machine or Redis for many; local-folder or Azure/Azurite
/// storage; one worker slot per configured CPU slot and CUDA device. Ctrl+C stops the workers at a checkpoint.
/// </summary>
public static class SiloHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        var options = new OrchestratorOptions();
        builder.Configuration.GetSection(OrchestratorOptions.Section).Bind(options);
        if (options.CudaSlots < 0)
            options.CudaSlots = CudaDevices();
        builder.UseOrleans(silo =>
        {
            silo.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId));
            if (options.Clustering == "redis")
            {
                silo.UseRedisClustering(options.RedisConnection ?? throw new ArgumentException("Orchestrator:Clustering=redis needs Orchestrator:RedisConnection."));
                silo.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedAddress), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
            }
            else
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, null, options.ServiceId, options.ClusterId);
            }
            silo.AddOrchestrator(options);
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
        using var host = builder.Build();
        Console.Error.WriteLine($"Silo '{options.SiloName}' ({options.Clustering} clustering, {options.Storage} storage, gateway port {options.GatewayPort}, " +
            $"{options.CpuSlots} CPU and {options.CudaSlots} CUDA slot(s)); Ctrl+C stops it.");
        await host.RunAsync();
        return 0;
    }

    private static int CudaDevices()
    {
        try
        {
            return TorchSharp.torch.cuda.is_available() ? TorchSharp.torch.cuda.device_count() : 0;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            return 0;
        }
    }
}
