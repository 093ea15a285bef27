using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Grains.Hosting;
using Orchestrator.Grains.Telemetry;
using Orchestrator.Training.Workloads;

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
        // appsettings.json is read from beside the program, wherever the silo is started from.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var options = new OrchestratorOptions();
        builder.Configuration.GetSection(OrchestratorOptions.Section).Bind(options);
        if (new OrchestratorOptionsValidator().Validate(null, options) is { Failed: true } invalid)
        {
            foreach (var problem in invalid.Failures)
                Console.Error.WriteLine($"error: {problem}");
            return 2;
        }
        if (options.CudaSlots < 0)
            options.CudaSlots = CudaDevices();
        builder.Logging.AddSimpleConsole(o => (o.TimestampFormat, o.SingleLine) = ("yyyy-MM-dd HH:mm:ss ", true));
        builder.Services.AddOrchestratorTelemetry(options.Telemetry, "orchestrator-silo", options.SiloName);
        builder.UseOrleans(silo =>
        {
            silo.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId));
            if (options.Clustering == "redis")
            {
                silo.UseRedisClustering(options.RedisConnection!);
                silo.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedAddress), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
            }
            else
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, null, options.ServiceId, options.ClusterId);
            }
            silo.AddOrchestrator(options, BuiltInWorkloads.Registry);
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
        using var host = builder.Build();
        Console.Error.WriteLine($"Silo '{options.SiloName}' ({options.Clustering} clustering, {options.Storage} storage, gateway port {options.GatewayPort}, " +
            $"{options.CpuSlots} CPU and {options.CudaSlots} CUDA slot(s)); Ctrl+C stops it.");
        if (options.Telemetry.PrometheusPort > 0)
            Console.Error.WriteLine($"Metrics: http://{options.Telemetry.PrometheusHost}:{options.Telemetry.PrometheusPort}/metrics");
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
