using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Protocol;

namespace Orchestrator.Client.Sdk;

/// <summary>
/// The orchestrator SDK over an Orleans cluster client. Create it with <see cref="ConnectAsync"/>, or over an existing
/// <see cref="IClusterClient"/> (e.g. a silo's own, as <c>orchestrator run</c> does).
/// </summary>
public sealed class OrchestratorClient(IClusterClient cluster, IHost? host = null) : IOrchestratorClient
{
    /// <summary>Connects to a running cluster; fails with a clear message when none answers.</summary>
    /// <param name="services">Adds services to the client's host (e.g. telemetry exporters).</param>
    public static async Task<OrchestratorClient> ConnectAsync(ClientConnectionOptions options, Action<IServiceCollection>? services = null,
        CancellationToken cancellation = default)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        services?.Invoke(builder.Services);
        builder.UseOrleansClient(client =>
        {
            client.AddActivityPropagation();
            client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId));
            if (options.Clustering == "redis")
                client.UseRedisClustering(options.RedisConnection ?? throw new ArgumentException("Clustering 'redis' needs a Redis connection string."));
            else
                client.UseLocalhostClustering(options.GatewayPort, options.ServiceId, options.ClusterId);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellation);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or System.Net.Sockets.SocketException)
        {
            host.Dispose();
            throw new InvalidOperationException(
                $"No orchestrator silo answered ({options.Clustering}, gateway port {options.GatewayPort}): start one with 'dotnet run --project Silo' or use 'orchestrator run'. ({e.Message})", e);
        }
        return new OrchestratorClient(host.Services.GetRequiredService<IClusterClient>(), host);
    }

    public async Task<SweepStatus> SubmitAsync(SweepSpec spec, CancellationToken cancellation = default)
    {
        // The root of the sweep's trace: grain calls carry it to the sweep, the workers and the trial hosts.
        using var activity = OrchestratorTelemetry.Source.StartActivity(OrchestratorTelemetry.Spans.Submit, ActivityKind.Client);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Sweep, spec.Name);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Workload, spec.Workload);
        var status = await Sweep(spec.Name).SubmitAsync(spec).WaitAsync(cancellation);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Trials, status.Total);
        return status;
    }

    public Task<SweepStatus> GetStatusAsync(string sweep, CancellationToken cancellation = default) =>
        Sweep(sweep).GetStatusAsync().WaitAsync(cancellation);

    public async IAsyncEnumerable<SweepProgress> WatchAsync(string sweep, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        await foreach (var progress in Sweep(sweep).WatchAsync(cancellation).WithCancellation(cancellation))
            yield return progress;
    }

    public Task<SweepResults> GetResultsAsync(string sweep, CancellationToken cancellation = default) =>
        Sweep(sweep).GetResultsAsync().WaitAsync(cancellation);

    public Task<IReadOnlyList<LearningCurve>> GetLearningCurvesAsync(string sweep, int maxGroups = 24, int maxPoints = 200,
        CancellationToken cancellation = default) =>
        Sweep(sweep).GetLearningCurvesAsync(maxGroups, maxPoints).WaitAsync(cancellation);

    public Task<SweepStatus> CancelAsync(string sweep, CancellationToken cancellation = default) =>
        Sweep(sweep).CancelAsync().WaitAsync(cancellation);

    public Task<SweepStatus> ResumeAsync(string sweep, bool retryFailed = false, CancellationToken cancellation = default) =>
        Sweep(sweep).ResumeAsync(retryFailed).WaitAsync(cancellation);

    public async Task<IReadOnlyList<SweepStatus>> ListAsync(CancellationToken cancellation = default)
    {
        var names = await cluster.GetGrain<ISchedulerGrain>(SchedulerKey.Default).ListAllAsync().WaitAsync(cancellation);
        var statuses = await Task.WhenAll(names.Select(n => Sweep(n).GetStatusAsync())).WaitAsync(cancellation);
        return [.. statuses.OrderByDescending(s => s.SubmittedAt)];
    }

    private ISweepGrain Sweep(string name) => cluster.GetGrain<ISweepGrain>(name);

    public async ValueTask DisposeAsync()
    {
        if (host is null)
            return;
        await host.StopAsync();
        host.Dispose();
    }
}
