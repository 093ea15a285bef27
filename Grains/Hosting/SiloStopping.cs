namespace Orchestrator.Grains.Hosting;

/// <summary>
/// Cancelled when this silo deactivates its grains on shutdown, which is after its worker slots stopped and reported
/// (their stage stops first). A long-lived grain call (a sweep's watch stream) ends then, so that its grain deactivates
/// at once instead of holding the silo's stop until the stream's next heartbeat (~10 s).
/// </summary>
public sealed class SiloStopping : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken Token => _stopping.Token;

    // The same stage as Orleans' own deactivation of every grain: both run side by side.
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloStopping), ServiceLifecycleStage.BecomeActive, _ => Task.CompletedTask, _ => _stopping.CancelAsync());

    public void Dispose() => _stopping.Dispose();
}
