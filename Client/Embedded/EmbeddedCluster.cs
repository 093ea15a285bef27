using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Client.Sdk;
using Orchestrator.Grains.Hosting;
using Orchestrator.Grains.Telemetry;
using Orchestrator.Training.Workloads;

namespace Orchestrator.Client.Embedded;

/// <summary>
/// A one-machine silo inside the CLI process (for <c>orchestrator run</c>): localhost clustering on free loopback
/// ports, the local-folder store, one worker slot per core by default. Nothing to start or configure first.
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    private readonly IHost _host;

    private EmbeddedCluster(IHost host, IOrchestratorClient client)
    {
        _host = host;
        Client = client;
    }

    public IOrchestratorClient Client { get; }

    /// <param name="registry">The workloads specs may name (default: the built-in ones; <c>bench scheduler</c> adds the hidden no-op one).</param>
    public static async Task<EmbeddedCluster> StartAsync(OrchestratorOptions options, CancellationToken cancellation, Workloads.WorkloadRegistry? registry = null)
    {
        var builder = Host.CreateApplicationBuilder();
        // Only what needs attention, timestamped like the silo's log; Orleans' option dumps and Polly's retry chatter
        // (Orleans' runtime retries through Polly) stay out of the progress bars.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => (o.TimestampFormat, o.SingleLine) = ("yyyy-MM-dd HH:mm:ss.fff ", true));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
        builder.Logging.AddFilter("Microsoft.Orleans", LogLevel.Error);
        builder.Logging.AddFilter("Polly", LogLevel.Error);
        builder.Services.AddOrchestratorTelemetry(options.Telemetry, "orchestrator", options.SiloName);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort(), FreePort(), null, options.ServiceId, options.ClusterId);
            silo.AddOrchestrator(options, registry ?? BuiltInWorkloads.Registry, dataCheck: new SweepDataCheck(BuiltInWorkloads.RequireDataOf));
        });
        var host = builder.Build();
        await host.StartAsync(cancellation);
        return new EmbeddedCluster(host, new OrchestratorClient(host.Services.GetRequiredService<IClusterClient>()));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        // Stopping the silo stops its workers (their items are requeued from their last checkpoint next time).
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
