using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Grains.Telemetry;
using Orchestrator.Protocol;

namespace Orchestrator.Client.Sdk;

/// <summary>
/// The orchestrator SDK: submit sweeps, watch their progress, read results, cancel and resume. Wraps an Orleans
/// cluster client; create it with <see cref="ConnectAsync"/> or over an existing <see cref="IClusterClient"/>.
/// </summary>
public sealed class OrchestratorClient(IClusterClient cluster, IHost? host = null) : IAsyncDisposable
{
    /// <summary>Connects to a running cluster; fails with a clear message when none answers.</summary>
    public static async Task<OrchestratorClient> ConnectAsync(ClientConnectionOptions options, CancellationToken cancellation = default)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOrchestratorTelemetry(new TelemetryOptions(), "orchestrator-client");
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

    /// <summary>Submits a sweep. Idempotent: the same name and spec again returns its status; a different spec under that name is refused.</summary>
    public async Task<SweepStatus> SubmitAsync(SweepSpec spec)
    {
        // The root of the sweep's trace: grain calls carry it to the sweep, the workers and the trial hosts.
        using var activity = OrchestratorTelemetry.Source.StartActivity(OrchestratorTelemetry.Spans.Submit, System.Diagnostics.ActivityKind.Client);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Sweep, spec.Name);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Workload, spec.Workload);
        var status = await Sweep(spec.Name).SubmitAsync(spec);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Trials, status.Total);
        return status;
    }

    public Task<SweepStatus> GetStatusAsync(string sweep) => Sweep(sweep).GetStatusAsync();

    /// <summary>Progress events until the sweep finishes.</summary>
    public async IAsyncEnumerable<SweepProgress> WatchAsync(string sweep, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        await foreach (var progress in Sweep(sweep).WatchAsync(cancellation).WithCancellation(cancellation))
            yield return progress;
    }

    public Task<SweepResults> GetResultsAsync(string sweep) => Sweep(sweep).GetResultsAsync();

    /// <summary>Seed-averaged, down-sampled learning curves of up to <paramref name="maxGroups"/> config groups.</summary>
    public Task<IReadOnlyList<LearningCurve>> GetLearningCurvesAsync(string sweep, int maxGroups = 24, int maxPoints = 200) =>
        Sweep(sweep).GetLearningCurvesAsync(maxGroups, maxPoints);

    public Task<SweepStatus> CancelAsync(string sweep) => Sweep(sweep).CancelAsync();

    /// <summary>Continues unfinished (cancelled or interrupted) trials; with <paramref name="retryFailed"/> also failed ones, from their checkpoints.</summary>
    public Task<SweepStatus> ResumeAsync(string sweep, bool retryFailed = false) => Sweep(sweep).ResumeAsync(retryFailed);

    /// <summary>Every sweep the cluster knows, newest first.</summary>
    public async Task<IReadOnlyList<SweepStatus>> ListAsync()
    {
        var names = await cluster.GetGrain<ISchedulerGrain>("default").ListAllAsync();
        var statuses = await Task.WhenAll(names.Select(n => Sweep(n).GetStatusAsync()));
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
