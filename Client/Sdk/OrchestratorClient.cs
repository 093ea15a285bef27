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
    /// <summary>
    /// Connects to a running cluster through any gateway; fails within <see cref="ClientConnectionOptions.ConnectTimeout"/>
    /// with one clear message when none answers (Orleans' own connection logs are not shown).
    /// </summary>
    /// <param name="services">Adds services to the client's host (e.g. telemetry exporters).</param>
    public static async Task<OrchestratorClient> ConnectAsync(ClientConnectionOptions options, Action<IServiceCollection>? services = null,
        CancellationToken cancellation = default)
    {
        if (options.Clustering == "redis" && options.RedisConnection is { } redis)
            await RedisReachability.RequireAsync(redis, cancellation);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
        builder.UseOrleansClient(client =>
        {
            client.AddActivityPropagation();
            client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId));
            client.Configure<Orleans.Configuration.ClientMessagingOptions>(o => o.ResponseTimeout = options.ResponseTimeout);
            if (options.Clustering == "redis")
                client.UseRedisClustering(options.RedisConnection ?? throw new ArgumentException("Clustering 'redis' needs a Redis connection string."));
            else
                client.UseLocalhostClustering(options.GatewayPort, options.ServiceId, options.ClusterId);
        });
        var host = builder.Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await host.StartAsync(timeout.Token).WaitAsync(timeout.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !cancellation.IsCancellationRequested)
        {
            _ = Task.Run(host.Dispose, CancellationToken.None); // a client stuck connecting must not hold the caller
            var where = options.Clustering == "redis" ? $"redis {options.RedisConnection}" : $"gateway port {options.GatewayPort}";
            var cause = e is OperationCanceledException or TimeoutException ? "" : $" ({e.Message.Split('\n', 2)[0].Trim()})";
            throw new InvalidOperationException(
                $"no orchestrator silo answered within {options.ConnectTimeout.TotalSeconds:0} s ({where}, cluster id '{options.ClusterId}'){cause}: " +
                "start one with 'dotnet run --project Silo', check the port or cluster id, or use 'orchestrator run'.", e);
        }
        return new OrchestratorClient(host.Services.GetRequiredService<IClusterClient>(), host) { _options = options };
    }

    private ClientConnectionOptions _options = new();

    /// <summary>The underlying Orleans client (for tools and tests that call grains directly).</summary>
    public IClusterClient Cluster => cluster;

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

    /// <summary>
    /// Progress events until the sweep finishes. When the stream breaks (its silo restarted or died) it resubscribes
    /// every second, for up to <see cref="ClientConnectionOptions.WatchReconnectWindow"/>; the first event after a
    /// reconnect is the current status.
    /// </summary>
    public async IAsyncEnumerable<SweepProgress> WatchAsync(string sweep, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        DateTime? lostAt = null;
        while (true)
        {
            var stream = Sweep(sweep).WatchAsync(cancellation).GetAsyncEnumerator(cancellation);
            try
            {
                while (true)
                {
                    bool moved;
                    try
                    {
                        moved = await stream.MoveNextAsync();
                    }
                    catch (Exception e) when (IsConnectionLoss(e, cancellation)
                        && DateTime.UtcNow - (lostAt ??= DateTime.UtcNow) < _options.WatchReconnectWindow)
                    {
                        break;
                    }
                    if (!moved)
                        yield break;
                    lostAt = null;
                    yield return stream.Current;
                }
            }
            finally
            {
                await DisposeQuietlyAsync(stream);
            }
            await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
        }
    }

    // A cancellation the caller did not ask for came from the silo's side (its grain deactivated mid-stream): watch again.
    private static bool IsConnectionLoss(Exception e, CancellationToken cancellation) =>
        !cancellation.IsCancellationRequested && e is not (ArgumentException or KeyNotFoundException);

    private static async Task DisposeQuietlyAsync(IAsyncEnumerator<SweepProgress> stream)
    {
        try
        {
            await stream.DisposeAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The silo it streamed from is gone.
        }
    }

    public async Task<SweepResults> GetResultsAsync(string sweep, CancellationToken cancellation = default)
    {
        var trials = new List<TrialRow>();
        await foreach (var row in ExportAsync(sweep, null, cancellation))
            trials.Add(row);
        var first = await GetResultsPageAsync(sweep, new ResultsQuery(0, Groups: ResultsQuery.MaxLimit), cancellation);
        var groups = first.Groups.ToList();
        while (groups.Count < first.GroupCount)
        {
            var page = await GetResultsPageAsync(sweep, new ResultsQuery(0, Groups: ResultsQuery.MaxLimit, GroupsAfter: groups.Count), cancellation);
            if (page.Groups.Count == 0)
                break;
            groups.AddRange(page.Groups);
        }
        return new SweepResults(first.Status, first.Searched, trials, groups, first.Objective, first.Metrics);
    }

    public Task<ResultsPage> GetResultsPageAsync(string sweep, ResultsQuery query, CancellationToken cancellation = default) =>
        Sweep(sweep).GetResultsPageAsync(query).WaitAsync(cancellation);

    public async IAsyncEnumerable<TrialRow> ExportAsync(string sweep, Contracts.Trials.TrialStatus? status = null,
        [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        for (long? after = 0; after is { } position;)
        {
            var page = await GetResultsPageAsync(sweep, new ResultsQuery(ResultsQuery.MaxLimit, position, status, Order: ResultsOrder.Start, Groups: 0), cancellation);
            foreach (var row in page.Trials)
                yield return row;
            after = page.Next;
        }
    }

    public Task<IReadOnlyList<LearningCurve>> GetLearningCurvesAsync(string sweep, int maxGroups = 24, int maxPoints = 200,
        CancellationToken cancellation = default) =>
        Sweep(sweep).GetLearningCurvesAsync(maxGroups, maxPoints).WaitAsync(cancellation);

    public Task<SweepStatus> CancelAsync(string sweep, CancellationToken cancellation = default) =>
        Sweep(sweep).CancelAsync().WaitAsync(cancellation);

    public Task<SweepStatus> ResumeAsync(string sweep, bool retryFailed = false, CancellationToken cancellation = default) =>
        Sweep(sweep).ResumeAsync(retryFailed).WaitAsync(cancellation);

    public Task<SweepStatus> PromoteAsync(string sweep, string? trial = null, CancellationToken cancellation = default) =>
        Sweep(sweep).PromoteAsync(trial).WaitAsync(cancellation);

    public Task DeleteAsync(string sweep, CancellationToken cancellation = default) =>
        Sweep(sweep).DeleteAsync().WaitAsync(cancellation);

    public Task<IReadOnlyList<string>> GetTrialMetricsAsync(string sweep, string trial, CancellationToken cancellation = default) =>
        Sweep(sweep).GetTrialMetricsAsync(trial).WaitAsync(cancellation);

    public Task<IReadOnlyList<string>> GetTrialLogAsync(string sweep, string trial, CancellationToken cancellation = default) =>
        Sweep(sweep).GetTrialLogAsync(trial).WaitAsync(cancellation);

    public Task<IReadOnlyList<SweepStatus>> ListAsync(CancellationToken cancellation = default) => ListingAsync(false, cancellation);

    public Task<IReadOnlyList<SweepStatus>> ListAllAsync(CancellationToken cancellation = default) => ListingAsync(true, cancellation);

    private async Task<IReadOnlyList<SweepStatus>> ListingAsync(bool includeArchived, CancellationToken cancellation)
    {
        var listing = await cluster.GetGrain<ISchedulerGrain>(SchedulerKey.Default).ListingAsync(includeArchived).WaitAsync(cancellation);
        // Finished sweeps answer from the scheduler's record; only running (or never reported) ones are asked.
        var statuses = await Task.WhenAll(listing.Select(l => l.Status is { IsFinished: true } finished
            ? Task.FromResult(finished) : Sweep(l.Name).GetStatusAsync())).WaitAsync(cancellation);
        return [.. statuses.OrderByDescending(s => s.SubmittedAt)];
    }

    public async Task ArchiveAsync(string sweep, bool archived = true, CancellationToken cancellation = default)
    {
        if (!await cluster.GetGrain<ISchedulerGrain>(SchedulerKey.Default).ArchiveAsync(sweep, archived).WaitAsync(cancellation))
            throw new InvalidOperationException($"sweep '{sweep}' is unknown or still running; only finished sweeps are archived.");
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
