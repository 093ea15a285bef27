namespace Orchestrator.Grains.Workers;

/// <summary>The last lines of a child's stderr, kept to explain its death.</summary>
public sealed class TrialProcessStderrTail(int capacity)
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _lock = new();

    public void Add(string line)
    {
        lock (_lock)
        {
            _lines.Enqueue(line);
            while (_lines.Count > capacity)
                _lines.Dequeue();
        }
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_lock)
            return [.. _lines];
    }

    /// <summary>
    /// The last few informative lines (native stack frames left out: the C++ "what()" line says more), joined by " / ",
    /// after <paramref name="prefix"/>; empty when there are none.
    /// </summary>
    public static string Summary(IReadOnlyList<string> tail, string prefix, int lines = 3)
    {
        var informative = tail.Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("frame #", StringComparison.Ordinal) && !l.StartsWith("at ", StringComparison.Ordinal))
            .TakeLast(lines)
            .ToList();
        return informative.Count == 0 ? "" : prefix + string.Join(" / ", informative);
    }
}
