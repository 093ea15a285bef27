namespace Orchestrator.Grains.Workers;

/// <summary>
/// Retries a storage or cluster call through an outage: exponential backoff (0.5 s doubling to 10 s) until
/// <see cref="Window"/> has passed since the first failure, then the last error is thrown. A blip of storage or the
/// loss of a silo must not cost a trial an attempt, so workers route every upload and every report through this.
/// Errors that no retry can fix (bad arguments, a missing sweep, a missing local file) and the caller's cancellation are
/// not retried.
/// </summary>
public sealed class OutageRetry(TimeSpan window, Action<Exception, TimeSpan>? onRetry = null)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    public TimeSpan Window { get; } = window;

    public async Task<T> RunAsync<T>(Func<Task<T>> call, CancellationToken cancellation = default)
    {
        var started = DateTime.UtcNow;
        var delay = FirstDelay;
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (IsTransient(e, cancellation) && DateTime.UtcNow - started < Window)
            {
                onRetry?.Invoke(e, delay);
                await Task.Delay(delay, cancellation);
                delay = TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, delay.Ticks * 2));
            }
        }
    }

    public Task RunAsync(Func<Task> call, CancellationToken cancellation = default) =>
        RunAsync(async () =>
        {
            await call();
            return true;
        }, cancellation);

    private static bool IsTransient(Exception e, CancellationToken cancellation) => e switch
    {
        OperationCanceledException when cancellation.IsCancellationRequested => false,
        ArgumentException or KeyNotFoundException or NotSupportedException or ObjectDisposedException => false,
        // A missing local file is not an outage: waiting does not bring it back.
        FileNotFoundException or DirectoryNotFoundException => false,
        Azure.RequestFailedException { Status: 400 or 401 or 403 or 404 } => false,
        _ => true,
    };
}
