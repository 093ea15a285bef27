using Microsoft.Win32.SafeHandles;

namespace Orchestrator.Grains.Storage;

/// <summary>
/// Group commit for many small files: every file handed in is flushed to disk (fsync) before its task completes, but
/// the flushes run in waves on one thread — writers that arrive while a wave flushes join the next one. On a journalling
/// file system the first fsync of a wave commits the journal for all of them, so the rest are cheap, and only one
/// thread blocks on the disk instead of one per writer. The guarantee per file is that of its own fsync.
/// </summary>
public sealed class GroupFlush
{
    private readonly object _gate = new();
    private List<(SafeFileHandle File, TaskCompletionSource Done)> _waiting = [];
    private bool _flushing;

    /// <summary>Completes once <paramref name="file"/> is on disk (faults with the flush's error).</summary>
    public Task FlushAsync(SafeFileHandle file)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiting.Add((file, done));
            if (_flushing)
                return done.Task;
            _flushing = true;
        }
        _ = Task.Run(FlushWaves);
        return done.Task;
    }

    private void FlushWaves()
    {
        while (true)
        {
            List<(SafeFileHandle File, TaskCompletionSource Done)> wave;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _flushing = false;
                    return;
                }
                (wave, _waiting) = (_waiting, []);
            }
            foreach (var (file, done) in wave)
            {
                try
                {
                    RandomAccess.FlushToDisk(file);
                    done.TrySetResult();
                }
                catch (Exception e)
                {
                    done.TrySetException(e);
                }
            }
        }
    }
}
