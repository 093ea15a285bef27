using System.Diagnostics;
using Microsoft.Extensions.Logging;
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
    // Trials in flight (leased, requeued, evaluating), by config hash: the state their next transition starts from.
    private readonly Dictionary<string, TrialState> _states = new(StringComparer.Ordinal);
    // The ledger has trials started before the state log: their trial grains hold states (read, and cleared by a delete).
    private bool _trialGrains;

    /// <summary>
    /// One trial transition to record: the work, the trial's state after it (null: unchanged, a ledger line alone),
    /// the ledger status and the objective.
    /// </summary>
    private readonly record struct Transition(PendingWork Work, TrialState? State, TrialStatus Status, double Objective = double.NaN);

    /// <summary>
    /// Records transitions through the sweep's appender: their states in one append to the state log, then their ledger
    /// lines (each naming its record) in one append, grouped with whatever else is queued. The ledger line is the commit:
    /// a record whose line never made it (a crash in between) is never read. Completes once recorded and applied.
    /// </summary>
    private Task RecordAsync(IReadOnlyList<Transition> transitions) =>
        // An evaluation shard's work counts its own attempts: its trial's line carries the trial's attempt.
        _appender.AppendAsync([.. transitions.Select(t => new LedgerWrite(Entry(t.Work, t.Status) with
        {
            Attempt = t.Work.Kind == WorkKind.Evaluate && t.State is { } state ? state.Attempt : t.Work.Attempt, Objective = t.Objective,
        }, t.State))]);

    /// <summary>Observes a write nobody awaits (a lease's starts): a failure is logged; the trials run on, and their reports are recorded.</summary>
    private async Task WriteBehindAsync(Task write, int starts)
    {
        try
        {
            await write;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogStartsNotRecorded(e, Name, starts);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {Sweep}: the starts of {Count} leased trial(s) were not recorded (their reports will be)")]
    private partial void LogStartsNotRecorded(Exception exception, string sweep, int count);

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
