using System.Globalization;
using Orchestrator.Protocol;

namespace Orchestrator.Grains.Workers;

/// <summary>
/// One work item's log, as <c>orchestrator logs</c> shows it: what the worker did and what the trial host reported and
/// printed on stderr, one timestamped line each. Stored with the trial when the item ends (epoch values are in its metrics).
/// </summary>
public sealed class TrialLog(TimeProvider time)
{
    private readonly List<string> _lines = [];
    private readonly Lock _lock = new();

    public void Add(string line)
    {
        // A stored line must not break: stderr may carry carriage returns (progress output).
        var text = line.Replace('\r', ' ').Replace('\n', ' ');
        lock (_lock)
            _lines.Add($"{time.GetUtcNow().ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)} {text}");
    }

    public void Event(TrialHostEvent hostEvent)
    {
        if (Describe(hostEvent) is { } text)
            Add(text);
    }

    /// <summary>The lines so far; the log is empty afterwards.</summary>
    public IReadOnlyList<string> Drain()
    {
        lock (_lock)
        {
            var lines = _lines.ToList();
            _lines.Clear();
            return lines;
        }
    }

    /// <summary>One line for each event a user reads in a log; null for those the metrics hold (epochs) or none needs.</summary>
    public static string? Describe(TrialHostEvent hostEvent) => hostEvent switch
    {
        Started s => $"trial host (pid {s.Pid}) started the request",
        Resumed r => $"resumed from a checkpoint after epoch {r.EpochsDone}",
        CheckpointSaved c => $"checkpoint saved after epoch {c.EpochNumber}",
        Evaluated v => $"observation {v.Observation} evaluated",
        Completed => "completed",
        Failed f => $"failed ({f.Kind}): {f.Reason}",
        Cancelled => "cancelled",
        TrialProcessDied d => $"trial host (pid {d.Pid}) died: {d.ExitDescription}",
        _ => null,
    };
}
