using System.Diagnostics;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Telemetry;
using Orchestrator.Grains.Trials;

namespace Orchestrator.Grains.Sweeps;

/// <summary>
/// The trials' states of <see cref="SweepGrain"/>: held in memory while a trial is in flight, written once per
/// transition to the sweep's state log — a whole batch (a lease's starts, a report's completions) in one append, beside
/// the one ledger append that names each record — and read back by that name (one ranged read) when a page, a resume
/// or a restart needs a finished one. No grain and no file per trial. A record is the state in Orleans' binary,
/// version-tolerant codec (the one grain calls use; ~0.3 KB, a tenth of the JSON a trial grain stored).
/// </summary>
public sealed partial class SweepGrain
{
    // An Azure append blob takes at most 50,000 appends: the state log moves to a new segment well before.
    private const int AppendsPerStateSegment = 40_000;
    private static readonly byte[] RecordSeparator = "\n"u8.ToArray();
    // Trials in flight (leased, requeued, evaluating), by config hash: the state their next transition starts from.
    private readonly Dictionary<string, TrialState> _states = new(StringComparer.Ordinal);
    // The highest segment a ledger line names; each activation appends to the segment after it.
    private int _lastStateSegment = -1;
    private int _stateSegment = -1;
    // The ledger has trials started before the state log: their trial grains hold states (read, and cleared by a delete).
    private bool _trialGrains;
    private int _stateAppends;

    /// <summary>
    /// One trial transition to record: the work, the trial's state after it (null: unchanged, a ledger line alone),
    /// the ledger status and the objective.
    /// </summary>
    private readonly record struct Transition(PendingWork Work, TrialState? State, TrialStatus Status, double Objective = double.NaN);

    /// <summary>
    /// Records transitions: their states in one append to the state log, then their ledger lines (each naming its record)
    /// in one append. The ledger line is the commit: a record whose line never made it (a crash in between) is never read.
    /// </summary>
    private async Task RecordAsync(IReadOnlyList<Transition> transitions)
    {
        if (transitions.Count == 0)
            return;
        var refs = new StateRef?[transitions.Count];
        var records = transitions.Select((t, i) => (Position: i, t.State)).Where(r => r.State is not null)
            .Select(r => (r.Position, Bytes: (ReadOnlyMemory<byte>)stateCodec.SerializeToArray(r.State!))).ToList();
        if (records.Count > 0)
        {
            if (_stateSegment < 0 || _stateAppends >= AppendsPerStateSegment)
                (_stateSegment, _stateAppends) = (Math.Max(_stateSegment, _lastStateSegment) + 1, 0);
            var payload = new byte[records.Sum(r => r.Bytes.Length + RecordSeparator.Length)];
            var at = 0;
            var starts = new int[records.Count];
            for (var i = 0; i < records.Count; i++)
            {
                starts[i] = at;
                records[i].Bytes.Span.CopyTo(payload.AsSpan(at));
                at += records[i].Bytes.Length;
                RecordSeparator.CopyTo(payload.AsSpan(at));
                at += RecordSeparator.Length;
            }
            var started = Stopwatch.GetTimestamp();
            var offset = await store.AppendStatesAsync(Name, _stateSegment, payload);
            metrics.SweepTurn(SweepTurnParts.StateAppend, started);
            _stateAppends++;
            for (var i = 0; i < records.Count; i++)
                refs[records[i].Position] = new StateRef(_stateSegment, offset + starts[i], records[i].Bytes.Length);
        }
        // An evaluation shard's work counts its own attempts: its trial's line carries the trial's attempt.
        await AppendAsync([.. transitions.Select((t, i) => Entry(t.Work, t.Status) with
        {
            Attempt = t.Work.Kind == WorkKind.Evaluate && t.State is { } state ? state.Attempt : t.Work.Attempt, Objective = t.Objective, State = refs[i],
        })]);
    }

    /// <summary>A started trial's latest state: in memory while in flight, else its last record (or, stored before the state log, its trial grain).</summary>
    private async Task<TrialState> StateOfAsync(LedgerTrial trial)
    {
        if (_states.TryGetValue(trial.ConfigHash, out var live))
            return live;
        if (trial.State is { } at)
            return stateCodec.Deserialize(await store.ReadStateAsync(Name, at.Segment, at.Offset, at.Length))
                ?? throw new InvalidDataException($"Sweep '{Name}': the state record of trial {trial.ConfigHash} at {at} is empty.");
        return await Trial(trial.ConfigHash).GetAsync();
    }

    /// <summary>A copy of the state the work's next transition applies to (never the held one: it changes only once recorded).</summary>
    private async Task<TrialState> NextStateAsync(PendingWork work)
    {
        if (_states.TryGetValue(work.ConfigHash, out var live))
            return stateCopier.Copy(live);
        // Read back (a fresh object): a resumed or promoted trial, or a requeued one of a previous activation.
        return _ledger.Find(work.Index) is { } started ? await StateOfAsync(started) : new TrialState();
    }

    /// <summary>After a transition is recorded: a final state leaves memory (it is read back from its record).</summary>
    private void Hold(string configHash, TrialState? state)
    {
        if (state is null)
            return;
        if (state.IsFinal())
            _states.Remove(configHash);
        else
            _states[configHash] = state;
    }

    public async Task<TrialState?> GetTrialStateAsync(string configHash) =>
        _ledger.All.FirstOrDefault(t => string.Equals(t.ConfigHash, configHash, StringComparison.OrdinalIgnoreCase)) is { } trial
            ? await StateOfAsync(trial)
            : null;
}
