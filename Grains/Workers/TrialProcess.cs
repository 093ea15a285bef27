using System.Threading.Channels;
using Orchestrator.Protocol;

namespace Orchestrator.Grains.Workers;

/// <summary>
/// A long-lived trial host child process for one worker slot. Its events (of every start, in order) come through
/// <see cref="Events"/>; an unexpected exit shows there as <see cref="TrialProcessDied"/> and makes
/// <see cref="SendAsync"/> throw <see cref="TrialProcessDiedException"/> until <see cref="EnsureStartedAsync"/> starts
/// the next one. Never blocks a thread: safe to call from grains. Disposing kills the child's process tree.
/// One consumer should read <see cref="Events"/> (e.g. a <see cref="TrialProcessRunner"/> running one request at a time).
/// </summary>
public sealed class TrialProcess(TrialProcessOptions? options = null) : IAsyncDisposable, IDisposable
{
    private readonly TrialProcessOptions _options = options ?? TrialProcessOptions.Default();
    private readonly Channel<TrialHostEvent> _events = Channel.CreateUnbounded<TrialHostEvent>(new UnboundedChannelOptions { SingleReader = false });
    // Serializes starts, writes to stdin and shutdowns (requests must not interleave on the pipe).
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TrialProcessChild? _child;
    private int _generation;
    private volatile bool _disposed;

    public TrialProcessOptions Options => _options;

    /// <summary>Events of the child(ren), in order; completes when this is disposed.</summary>
    public ChannelReader<TrialHostEvent> Events => _events.Reader;

    /// <summary>The events as an async stream (same single sequence as <see cref="Events"/>).</summary>
    public IAsyncEnumerable<TrialHostEvent> ReadEventsAsync(CancellationToken cancellation = default) => _events.Reader.ReadAllAsync(cancellation);

    /// <summary>The current child's pid, or null when none has started.</summary>
    public int? ProcessId => _child?.Pid;

    /// <summary>How many children were started (the current one's number, as in <see cref="TrialProcessDied.Generation"/>).</summary>
    public int Generation => Volatile.Read(ref _generation);

    public bool IsRunning => _child is { HasExited: false };

    /// <summary>Starts a child unless one runs; completes when it is Ready. Throws <see cref="TrialProcessDiedException"/>
    /// when it dies while starting, <see cref="TimeoutException"/> when it is not ready in time.</summary>
    public async Task<Ready> EnsureStartedAsync(CancellationToken cancellation = default)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_child is { HasExited: false } running && running.Ready.IsCompletedSuccessfully)
                return await running.Ready;
            var child = _child is { HasExited: false } starting
                ? starting
                : _child = TrialProcessChild.Start(_options, Interlocked.Increment(ref _generation), _events.Writer);
            try
            {
                return await child.Ready.WaitAsync(_options.StartTimeout, cancellation);
            }
            catch (TimeoutException)
            {
                child.ExpectExit();
                child.KillTree();
                throw new TimeoutException($"The trial host (pid {child.Pid}) was not ready within {_options.StartTimeout.TotalSeconds:F0} s.");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes one request line to the running child. Throws <see cref="TrialProcessDiedException"/> when it is dead.</summary>
    public async Task SendAsync(TrialHostRequest request, CancellationToken cancellation = default)
    {
        var line = TrialHostJson.Serialize(request);
        await _gate.WaitAsync(cancellation);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var child = _child ?? throw new InvalidOperationException("The trial host is not started: call EnsureStartedAsync first.");
            if (child.HasExited)
                throw Dead(child, await child.Exited);
            try
            {
                await child.Input.WriteLineAsync(line.AsMemory(), cancellation);
                await child.Input.FlushAsync(cancellation);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // Broken pipe: the child is exiting; report how it ended.
                throw Dead(child, await child.Exited.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Asks the child to exit (Shutdown) and waits; kills it after <see cref="TrialProcessOptions.ShutdownTimeout"/>.</summary>
    public async Task ShutdownAsync(CancellationToken cancellation = default)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            if (_child is not { HasExited: false } child)
                return;
            child.ExpectExit();
            try
            {
                await child.Input.WriteLineAsync(TrialHostJson.Serialize(new ShutdownRequest()).AsMemory(), cancellation);
                await child.Input.FlushAsync(cancellation);
                await child.Exited.WaitAsync(_options.ShutdownTimeout, cancellation);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or TimeoutException)
            {
                child.KillTree();
                await child.Exited.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Kills the child's process tree now (an asked-for exit: no <see cref="TrialProcessDied"/>) and waits for it.</summary>
    public async Task KillAsync()
    {
        if (_child is not { } child)
            return;
        child.ExpectExit();
        child.KillTree();
        await child.Exited.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_child is { } child)
        {
            child.ExpectExit();
            child.KillTree();
            await ((Task)child.Exited.WaitAsync(TimeSpan.FromSeconds(10))).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _events.Writer.TryComplete();
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_child is { } child)
        {
            child.ExpectExit();
            child.KillTree();
        }
        _events.Writer.TryComplete();
    }

    private static TrialProcessDiedException Dead(TrialProcessChild child, TrialProcessDied? died) =>
        new(died ?? new TrialProcessDied(child.Pid, child.Generation, -1, null, ["(the trial host was stopped on purpose)"]));
}
