namespace Orchestrator.Grains.Workers;

/// <summary>Delays after consecutive failures: 1 s doubling to 30 s, back to 1 s after <see cref="Reset"/>.</summary>
public sealed class Backoff
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    /// <summary>Failures since the last success.</summary>
    public int Failures { get; private set; }

    /// <summary>Counts a failure and returns how long to wait before the next try.</summary>
    public TimeSpan Next()
    {
        var delay = TimeSpan.FromTicks(Math.Min(Max.Ticks, First.Ticks << Math.Min(Failures, 5)));
        Failures++;
        return delay;
    }

    public void Reset() => Failures = 0;
}
