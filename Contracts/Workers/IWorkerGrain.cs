namespace Orchestrator.Contracts.Workers;

/// <summary>
/// One device slot of one silo (key "{siloName}/cpu{n}" or "{siloName}/gpu{n}"), placed on that silo. Pulls work from the
/// scheduler, runs it in a child trial-host process (a native abort kills only that process), heartbeats its lease and
/// streams progress.
/// </summary>
[Alias("orchestrator.worker")]
public interface IWorkerGrain : IGrainWithStringKey
{
    /// <summary>Starts pulling work (idempotent).</summary>
    [Alias("start")] Task StartAsync();

    /// <summary>Stops after saving a checkpoint of the current item (which is requeued).</summary>
    [Alias("stop")] Task StopAsync();

    [Alias("status")] Task<WorkerStatus> GetStatusAsync();
}
