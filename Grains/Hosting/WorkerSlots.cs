using Microsoft.Extensions.Logging;
using Orchestrator.Contracts.Workers;

namespace Orchestrator.Grains.Hosting;

/// <summary>
/// Starts this silo's worker grains ("{silo}/cpu{n}", "{silo}/gpu{n}") when the silo becomes active, and on shutdown
/// asks them to stop at a checkpoint before the silo goes away.
/// </summary>
public sealed partial class WorkerSlots(OrchestratorOptions options, IGrainFactory grains, ILogger<WorkerSlots> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public IReadOnlyList<string> Keys { get; } =
    [
        .. Enumerable.Range(0, Math.Max(0, options.CpuSlots)).Select(i => $"{options.SiloName}/cpu{i}"),
        .. Enumerable.Range(0, Math.Max(0, options.CudaSlots)).Select(i => $"{options.SiloName}/gpu{i}"),
    ];

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WorkerSlots), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken cancellation)
    {
        await Task.WhenAll(Keys.Select(k => grains.GetGrain<IWorkerGrain>(k).StartAsync()));
        LogStarted(string.Join(", ", Keys));
    }

    private async Task StopAsync(CancellationToken cancellation)
    {
        try
        {
            await Task.WhenAll(Keys.Select(k => grains.GetGrain<IWorkerGrain>(k).StopAsync())).WaitAsync(cancellation);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or OrleansException)
        {
            LogStopFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker slots started: {Slots}")]
    private partial void LogStarted(string slots);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker slots did not all stop cleanly")]
    private partial void LogStopFailed(Exception exception);
}
