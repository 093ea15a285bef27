using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Orchestrator.Contracts.Sweeps;

namespace Orchestrator.Grains.Sweeps;

/// <summary>The progress streams (<c>watch</c>) of <see cref="SweepGrain"/>: one bounded channel per watcher, fed by <c>Publish</c>.</summary>
public sealed partial class SweepGrain
{
    public async IAsyncEnumerable<SweepProgress> WatchAsync([EnumeratorCancellation] CancellationToken cancellation = default)
    {
        if (definition.State.Spec is null)
            throw NotFound();
        // A watch ends when this silo stops (the client's SDK watches again, wherever the sweep is then): an open stream
        // would hold the sweep's deactivation, and so the silo's stop, until its next heartbeat.
        SiloStoppingCheck();
        var channel = Channel.CreateBounded<SweepProgress>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
        _watchers.Add(channel);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellation, siloStopping.Token);
        try
        {
            yield return new SweepProgress(Status(), null, null, null, "watching");
            if (Status().IsFinished)
                yield break;
            var open = true;
            while (open)
            {
                try
                {
                    open = await channel.Reader.WaitToReadAsync(watching.Token);
                }
                catch (OperationCanceledException) when (siloStopping.Token.IsCancellationRequested)
                {
                    // The silo is stopping (its deactivation may also cancel the stream): what is buffered (e.g. its workers'
                    // requeues) still goes out, then the stream ends like a lost silo's.
                }
                while (channel.Reader.TryRead(out var progress))
                {
                    yield return progress;
                    if (progress.Status.IsFinished && progress.Trial is null)
                        yield break;
                }
                SiloStoppingCheck();
            }
        }
        finally
        {
            _watchers.Remove(channel);
        }
    }

    // Answered like a lost silo (the SDK's watch reconnects): this silo is stopping and the sweep will be elsewhere.
    private void SiloStoppingCheck()
    {
        if (siloStopping.Token.IsCancellationRequested)
            throw new SiloUnavailableException($"the silo of sweep '{Name}' is shutting down; watch again.");
    }
}
