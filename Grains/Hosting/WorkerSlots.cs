using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orchestrator.Contracts.Storage;
using Orchestrator.Grains.Telemetry;
using Orchestrator.Grains.Workers;

namespace Orchestrator.Grains.Hosting;

/// <summary>
/// This silo's worker slots ("{silo}/cpu{n}", "{silo}/gpu{n}"): started when the silo becomes active; on shutdown they
/// stop at a checkpoint (running items are cancelled, saved and requeued) before the silo goes away.
/// </summary>
public sealed partial class WorkerSlots(
    OrchestratorOptions options, IGrainFactory grains, IResultStore store, OrchestratorMetrics metrics, ILoggerFactory loggers)
    : ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger<WorkerSlots>();

    public IReadOnlyList<string> Keys { get; } =
    [
        .. Enumerable.Range(0, Math.Max(0, options.CpuSlots)).Select(i => $"{options.SiloName}/cpu{i}"),
        .. Enumerable.Range(0, Math.Max(0, options.CudaSlots)).Select(i => $"{options.SiloName}/gpu{i}"),
    ];

    private readonly ConcurrentDictionary<string, WorkerSlot> _slots = new(StringComparer.Ordinal);

    /// <summary>The slot of that key on this silo (made on first use, so a test can add one), or null for another silo's key.</summary>
    public WorkerSlot? Find(string key) => key.StartsWith(options.SiloName + "/", StringComparison.Ordinal)
        ? _slots.GetOrAdd(key, k => new WorkerSlot(k, options, grains, store, metrics, loggers.CreateLogger<WorkerSlot>()))
        : null;

    private IEnumerable<WorkerSlot> Slots => Keys.Select(k => Find(k)!).Concat(_slots.Values).Distinct();

    /// <summary>"cpu" for "{silo}/cpu{n}", "cuda:{n}" for "{silo}/gpu{n}".</summary>
    public static string DeviceOf(string key)
    {
        var slot = key[(key.LastIndexOf('/') + 1)..];
        return slot.StartsWith("gpu", StringComparison.Ordinal) ? $"cuda:{slot[3..]}" : "cpu";
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WorkerSlots), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken cancellation)
    {
        foreach (var slot in Slots)
            slot.Start();
        LogStarted(string.Join(", ", Keys));
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellation)
    {
        try
        {
            await Task.WhenAll(Slots.Select(s => s.StopAsync())).WaitAsync(cancellation);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            LogStopFailed(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var slot in Slots)
            await slot.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker slots started: {Slots}")]
    private partial void LogStarted(string slots);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker slots did not all stop cleanly")]
    private partial void LogStopFailed(Exception exception);
}
