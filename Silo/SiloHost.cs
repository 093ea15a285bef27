using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Contracts;
using Orchestrator.Grains.Hosting;
using Orchestrator.Grains.Sweeps;
using Orchestrator.Grains.Telemetry;
using Orchestrator.Training.Workloads;
using Orleans.Dashboard;

namespace Orchestrator.Silo;

/// <summary>
/// The orchestrator silo: configuration from appsettings.json, environment (Orchestrator__X) and the command line
/// (--Orchestrator:X=value); localhost clustering for one machine or Redis for many; local-folder or Azure/Azurite
/// storage; one worker slot per configured CPU slot and CUDA device. Ctrl+C stops the workers at a checkpoint.
/// Configuration errors, taken ports and a taken silo name end it at startup with one line (exit code 2).
/// </summary>
public static class SiloHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        IHost host;
        OrchestratorOptions options;
        SiloDashboard dashboard;
        try
        {
            // appsettings.json is read from beside the program, wherever the silo is started from. With the dashboard on,
            // the host is a web host (Kestrel on the dashboard's address only); otherwise nothing listens for HTTP.
            dashboard = SiloDashboard.Read(args);
            var web = dashboard.Enabled ? dashboard.CreateBuilder(args) : null;
            IHostApplicationBuilder builder = web as IHostApplicationBuilder
                ?? Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
            builder.Logging.AddSimpleConsole(o => (o.TimestampFormat, o.SingleLine) = ("yyyy-MM-dd HH:mm:ss.fff ", true));
            options = SiloConfiguration.Read(builder.Configuration);
            SiloConfiguration.EnsurePortsFree(options);
            if (options.CudaSlots < 0)
                options.CudaSlots = await CudaProbe.DeviceCountAsync();
            var sweeps = builder.Configuration.GetSection(OrchestratorOptions.Section + ":Sweeps");
            builder.Services.AddOrchestratorTelemetry(options.Telemetry, "orchestrator-silo", options.SiloName);
            builder.UseOrleans(silo =>
            {
                silo.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId));
                if (options.Clustering == "redis")
                {
                    silo.UseRedisClustering(options.RedisConnection!);
                    // Listen on the advertised address only (loopback by default): the gateway is unauthenticated.
                    silo.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedAddress), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
                }
                else
                {
                    silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, null, options.ServiceId, options.ClusterId);
                }
                silo.AddOrchestrator(options, BuiltInWorkloads.Registry, o => sweeps.Bind(o), new SweepDataCheck(BuiltInWorkloads.RequireDataOf));
                if (dashboard.Enabled)
                    silo.AddDashboard();
            });
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
            host = web is null ? ((HostApplicationBuilder)builder).Build() : SiloDashboard.Build(web);
        }
        catch (SiloConfigurationException e)
        {
            foreach (var problem in e.Problems)
                Console.Error.WriteLine($"error: {problem}");
            return 2;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            Console.Error.WriteLine($"error: {SiloConfiguration.OneLine(e)}");
            return 2;
        }
        using (host)
        {
            Console.Error.WriteLine($"Silo '{options.SiloName}' ({options.Clustering} clustering, {options.Storage} storage, gateway port {options.GatewayPort}, " +
                $"{Counted.Of(options.CpuSlots, "CPU slot")} and {Counted.Of(options.CudaSlots, "CUDA slot")}); Ctrl+C stops it.");
            if (options.Telemetry.PrometheusPort > 0)
                Console.Error.WriteLine($"Metrics: http://{options.Telemetry.PrometheusHost}:{options.Telemetry.PrometheusPort}/metrics");
            if (dashboard.Enabled)
                Console.Error.WriteLine($"Orleans Dashboard: http://{dashboard.Host}:{dashboard.Port}/ (no authentication: keep it on a trusted network)");
            try
            {
                await host.RunAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Startup failures (storage unreachable, name taken) end in one line; the log above has the details.
                Console.Error.WriteLine($"error: silo '{options.SiloName}' stopped: {SiloConfiguration.OneLine(e)}");
                return 2;
            }
        }
        return 0;
    }
}
