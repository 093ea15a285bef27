using System.Diagnostics;
using Orchestrator.Contracts.Storage;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Telemetry;
using Orleans.Serialization;

namespace Orchestrator.Grains.Sweeps;

/// <summary>One ledger line to append: a trial transition (with the trial's state to record, or null) or a raw line.</summary>
public readonly record struct LedgerWrite(LedgerEntry? Entry, TrialState? State = null, string? Line = null);

/// <summary>
/// A sweep's appends, in order, with group commit: every ledger line and the state records its transitions carry go
/// through here, and what callers queue while an append is in flight goes together in the next one (one state-log
/// append, then one ledger append, per group). A caller's task completes once its lines are appended and folded in
/// (<c>applied</c>), in queue order. A failed group fails its callers' tasks at once (they retry, or their worker
/// reports again), and its lines go first in the next group, before anything queued after them: what is appended is
/// always a prefix of what the sweep decided, so a restarted sweep never skips a trial whose start was lost while a
/// later one's was kept. Created and called by one grain activation: the loop's continuations run on the grain's
/// scheduler, so no locks.
/// </summary>
public sealed class SweepAppender(IResultStore store, string sweep, Serializer<TrialState> codec, OrchestratorMetrics metrics,
    Action<IReadOnlyList<LedgerEntry>> applied)
{
    // An Azure append blob takes at most 50,000 appends: ledger and state log move to a new segment well before.
    private const int LinesPerSegment = 40_000;
    private const int AppendsPerStateSegment = 40_000;
    // Bounds one group's append (an Azure append block is at most 4 MiB; a state record is well under 1 KiB).
    private const int MaxGroup = 2_048;
    private static readonly byte[] RecordSeparator = "\n"u8.ToArray();
    private readonly Queue<(IReadOnlyList<LedgerWrite> Writes, TaskCompletionSource Done)> _queued = new();
    private bool _writing;
    // A failed group's lines: appended first by the next group.
    private List<LedgerWrite> _unwritten = [];
    private int _segment;
    private int _segmentLines;
    // The highest state-log segment a ledger line names; each activation appends to a segment after it.
    private int _lastStateSegment = -1;
    private int _stateSegment = -1;
    private int _stateAppends;

    /// <summary>A ledger line read back on activation (in order): the next appends continue its segment.</summary>
    public void Loaded(int segment, StateRef? state)
    {
        (_segment, _segmentLines) = segment == _segment ? (segment, _segmentLines + 1) : (segment, 1);
        Loaded(state);
    }

    /// <summary>A state record a ledger line read back names: this activation appends to a later state-log segment.</summary>
    public void Loaded(StateRef? state)
    {
        if (state is { } at)
            _lastStateSegment = Math.Max(_lastStateSegment, at.Segment);
    }

    /// <summary>Queues the lines; the task completes once they (and everything queued before) are appended and applied.</summary>
    public Task AppendAsync(IReadOnlyList<LedgerWrite> writes) => writes.Count == 0 ? Task.CompletedTask : Enqueue(writes);

    private Task Enqueue(IReadOnlyList<LedgerWrite> writes)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queued.Enqueue((writes, done));
        if (!_writing)
        {
            _writing = true;
            _ = WriteQueuedAsync();
        }
        return done.Task;
    }

    /// <summary>Completes once everything queued so far is appended (or failed): a deactivation waits for it.</summary>
    public Task FlushAsync() => _writing || _unwritten.Count > 0 ? Enqueue([]) : Task.CompletedTask;

    private async Task WriteQueuedAsync()
    {
        while (_queued.Count > 0)
        {
            var group = new List<(IReadOnlyList<LedgerWrite> Writes, TaskCompletionSource Done)> { _queued.Dequeue() };
            while (_queued.Count > 0 && _unwritten.Count + group.Sum(g => g.Writes.Count) + _queued.Peek().Writes.Count <= MaxGroup)
                group.Add(_queued.Dequeue());
            List<LedgerWrite> writes = [.. _unwritten, .. group.SelectMany(g => g.Writes)];
            try
            {
                var entries = writes.Count == 0 ? [] : await WriteAsync(writes);
                _unwritten = [];
                applied(entries);
                foreach (var (_, done) in group)
                    done.TrySetResult();
            }
            catch (Exception e)
            {
                _unwritten = writes;
                foreach (var (_, done) in group)
                    done.TrySetException(e);
            }
        }
        _writing = false;
    }

    /// <summary>The states in one state-log append, then every line (each transition naming its record) in one ledger append.</summary>
    private async Task<IReadOnlyList<LedgerEntry>> WriteAsync(IReadOnlyList<LedgerWrite> writes)
    {
        var refs = new StateRef?[writes.Count];
        var records = writes.Select((w, i) => (Position: i, w.State)).Where(r => r.State is not null)
            .Select(r => (r.Position, Bytes: codec.SerializeToArray(r.State!))).ToList();
        if (records.Count > 0)
        {
            if (_stateSegment < 0 || _stateAppends >= AppendsPerStateSegment)
                (_stateSegment, _stateAppends) = (Math.Max(_stateSegment, _lastStateSegment) + 1, 0);
            var payload = new byte[records.Sum(r => r.Bytes.Length + RecordSeparator.Length)];
            var starts = new int[records.Count];
            for (int i = 0, at = 0; i < records.Count; i++)
            {
                starts[i] = at;
                records[i].Bytes.CopyTo(payload, at);
                RecordSeparator.CopyTo(payload, at + records[i].Bytes.Length);
                at += records[i].Bytes.Length + RecordSeparator.Length;
            }
            var started = Stopwatch.GetTimestamp();
            var offset = await store.AppendStatesAsync(sweep, _stateSegment, payload);
            metrics.SweepTurn(SweepTurnParts.StateAppend, started);
            _stateAppends++;
            for (var i = 0; i < records.Count; i++)
                refs[records[i].Position] = new StateRef(_stateSegment, offset + starts[i], records[i].Bytes.Length);
        }
        var entries = writes.Select((w, i) => w.Entry is { } entry ? entry with { State = refs[i] ?? entry.State } : (LedgerEntry?)null).ToList();
        if (_segmentLines >= LinesPerSegment)
            (_segment, _segmentLines) = (_segment + 1, 0);
        var ledgerStarted = Stopwatch.GetTimestamp();
        await store.AppendLedgerAsync(sweep, _segment, [.. writes.Select((w, i) => entries[i]?.ToLine() ?? w.Line!)]);
        metrics.SweepTurn(SweepTurnParts.LedgerAppend, ledgerStarted);
        _segmentLines += writes.Count;
        return [.. entries.OfType<LedgerEntry>()];
    }
}
