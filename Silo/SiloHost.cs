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
                if (options.Kubernetes)
                    silo.UseKubernetesHosting();
                silo.AddOrchestrator(options, BuiltInWorkloads.Registry, o => sweeps.Bind(o), new SweepDataCheck(BuiltInWorkloads.RequireDataOf));
                if (dashboard.Enabled)
                    silo.AddDashboard();
            });
            // Orleans' graceful stop gets the first part of the stop deadline, its ungraceful stop the rest (see RunAsync).
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = StopDeadline - TimeSpan.FromSeconds(5));
            builder.Services.AddSingleton<IHostLifetime, SignalLifetime>();
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
        // Not in a using block: RunAsync disposes the host when it has stopped, and a stop that hangs must not be waited
        // for again by a dispose.
        {
            Console.Error.WriteLine($"Silo '{options.SiloName}' ({options.Clustering} clustering, {options.Storage} storage, gateway port {options.GatewayPort}, " +
                $"{Counted.Of(options.CpuSlots, "CPU slot")} and {Counted.Of(options.CudaSlots, "CUDA slot")}); Ctrl+C stops it.");
            if (options.Telemetry.PrometheusPort > 0)
                Console.Error.WriteLine($"Metrics: http://{options.Telemetry.PrometheusHost}:{options.Telemetry.PrometheusPort}/metrics");
            if (dashboard.Enabled)
                Console.Error.WriteLine($"Orleans Dashboard: http://{dashboard.Host}:{dashboard.Port}/ (no authentication: keep it on a trusted network)");
            try
            {
                var run = host.RunAsync();
                if (await Task.WhenAny(run, StopDeadlineAfterStopping(host)) != run)
                {
                    // Stopping hangs (typically the membership store is unreachable): the other silos detect this one's
                    // death by their probes, and its leases are requeued as after a crash.
                    Console.Error.WriteLine($"warning: silo '{options.SiloName}' did not stop within {StopDeadline.TotalSeconds:F0} s " +
                        "(is the cluster's membership store reachable?); exiting without waiting.");
                    return 0;
                }
                await run;
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

    /// <summary>How long after SIGTERM (or Ctrl+C) a silo may take to stop before it exits regardless.</summary>
    public static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(15);

    // Completes StopDeadline after the host began stopping; never while it runs.
    private static Task StopDeadlineAfterStopping(IHost host)
    {
        var deadline = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() =>
            _ = Task.Delay(StopDeadline).ContinueWith(_ => deadline.TrySetResult(), TaskScheduler.Default));
        return deadline.Task;
    }
}
