using System.Diagnostics;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Telemetry;

namespace Orchestrator.Grains.Sweeps;

/// <summary>The ledger's writes, the status counts and the progress events of <see cref="SweepGrain"/>.</summary>
public sealed partial class SweepGrain
{
    private SweepAppender _appender = null!;
    // The last total and phase the grain computed, for the gauges on other threads (source and state are the grain's alone).
    private long _total;
    private int _gaugePhase;

    /// <summary>Appends the entries to the ledger (in order, with whatever else is queued), then folds them into the in-memory ledger.</summary>
    private Task AppendAsync(IReadOnlyList<LedgerEntry> entries) => _appender.AppendAsync([.. entries.Select(e => new LedgerWrite(e))]);

    /// <summary>Appends lines that are not trial transitions (remembered scheduler results, promotions) to the ledger, in order.</summary>
    private Task AppendLinesAsync(IReadOnlyList<string> lines) => _appender.AppendAsync([.. lines.Select(l => new LedgerWrite(null, null, l))]);

    /// <summary>The objective's value among a trial state's final metrics (NaN when it did not report it).</summary>
    private double ObjectiveOf(TrialState state) =>
        state.FinalMetrics(Workload.PrimaryMetric.Name).TryGetValue(Objective.Name, out var value) ? value : double.NaN;

    private LedgerEntry Entry(PendingWork work, TrialStatus status) =>
        new(work.Index, work.ConfigHash, work.Trial?.GroupHash ?? _ledger.Find(work.Index)?.GroupHash ?? "", status, work.Attempt);

    /// <summary>A cancelled or failed trial that a resume runs again: next attempt, earlier attempts not counted.</summary>
    private PendingWork ReopenWork(LedgerTrial trial) =>
        new(WorkKind.Train, trial.Index, trial.ConfigHash, 0, TrainObservations, trial.Attempt + 1, trial.Attempt, null, Reopen: true);

    /// <summary>A started trial's configuration: from the source when it can tell directly (a grid), else from the trial's state.</summary>
    private async Task<TrialSpec> ResolveAsync(long index, string configHash)
    {
        if (_source.At(index) is { } direct)
            return direct;
        if (_states.TryGetValue(configHash, out var held) && held.Spec is { } inFlight)
            return inFlight;
        if (_ledger.Find(index) is { } started && (await StateOfAsync(started)).Spec is { } stored)
            return stored;
        // A trial stored before trial states carried their configuration: replay a fresh source up to it (no I/O).
        var replay = TrialSources.Create(Spec, workloads);
        replay.Restore(index);
        return replay.Next() is { } trial && trial.ConfigHash == configHash
            ? trial
            : throw new InvalidOperationException($"Sweep '{Name}': trial {index} ({configHash}) is not in the sweep's index space.");
    }

    private IReadOnlyList<int> TrainObservations => Spec.Evaluation.Shards > 1 ? [] : Spec.Evaluation.Observations;

    /// <summary>Shard k evaluates every Shards-th observation starting at k.</summary>
    private IReadOnlyList<int> ShardObservations(int shard) =>
        Spec.Evaluation.Observations.Where((_, i) => i % Spec.Evaluation.Shards == shard).ToList();

    /// <summary>Trials the sweep has: exact for a grid; for random search, draws × seeds less the duplicates found so far.</summary>
    private long Total => _source.Exhausted ? _source.Produced : Math.Max(_source.Produced, _source.Expected);

    private SweepStatus Status()
    {
        Volatile.Write(ref _total, Total);
        Volatile.Write(ref _gaugePhase, (int)phase.State.Phase);
        var counts = Counts(phase.State.Phase);
        return new SweepStatus(Name, phase.State.Phase, (int)Math.Min(_total, int.MaxValue), counts[(int)TrialStatus.Pending],
            counts[(int)TrialStatus.Running], counts[(int)TrialStatus.Completed], counts[(int)TrialStatus.Failed],
            counts[(int)TrialStatus.Cancelled], definition.State.SpecHash, definition.State.SubmittedAt, counts[(int)TrialStatus.Stopped]);
    }

    /// <summary>
    /// Trials per status (indexed by the status' value; running includes evaluating) from the ledger's counts and the
    /// last total the grain computed: safe on any thread, as the metrics gauges read it.
    /// </summary>
    private int[] Counts(SweepPhase sweepPhase)
    {
        var total = (int)Math.Min(Volatile.Read(ref _total), int.MaxValue);
        var counts = new int[Enum.GetValues<TrialStatus>().Length];
        // Stopped trials ended (early, by the scheduler): counted beside failed ones wherever trials are subtracted.
        var stopped = _ledger.Count(TrialStatus.Stopped);
        var (completed, failed) = (_ledger.Count(TrialStatus.Completed), _ledger.Count(TrialStatus.Failed) + stopped);
        counts[(int)TrialStatus.Completed] = completed;
        counts[(int)TrialStatus.Failed] = failed - stopped;
        counts[(int)TrialStatus.Stopped] = stopped;
        if (sweepPhase == SweepPhase.Cancelled)
        {
            // Trials that never started are counted, not stored: cancelled with the sweep.
            counts[(int)TrialStatus.Cancelled] = Math.Max(0, total - completed - failed);
            return counts;
        }
        var running = _ledger.Count(TrialStatus.Running) + _ledger.Count(TrialStatus.Evaluating);
        counts[(int)TrialStatus.Running] = running;
        counts[(int)TrialStatus.Cancelled] = _ledger.Count(TrialStatus.Cancelled);
        counts[(int)TrialStatus.Pending] = Math.Max(0, total - completed - failed - running - counts[(int)TrialStatus.Cancelled]);
        return counts;
    }

    /// <summary>
    /// Tells the watchers; a lifecycle event (everything but an epoch's progress) is also one log line, so the silo's log
    /// reads as the sweep's history.
    /// </summary>
    private void Publish(PendingWork? work, string message, WorkProgress? progress = null)
    {
        var label = work?.Trial is { } spec ? Label(spec) : null;
        if (progress is null)
        {
            if (work is null)
                LogSweepEvent(Name, message);
            else
                LogTrialEvent(Name, work.ConfigHash, label ?? $"trial {work.Index}", message);
        }
        if (_watchers.Count == 0)
            return;
        var trial = work is null ? null : _ledger.Find(work.Index);
        var update = new SweepProgress(Status(), work?.ConfigHash, trial?.Status ?? (work is null ? null : TrialStatus.Pending), progress, message, label);
        foreach (var watcher in _watchers)
            watcher.Writer.TryWrite(update);
    }

    /// <summary>What a user searched over, so progress reads "beta=25 seed=2" rather than a hash.</summary>
    private string Label(TrialSpec trial) =>
        string.Join(' ', Spec.Search.Keys.Order(StringComparer.Ordinal).Where(trial.Parameters.ContainsKey)
            .Select(k => $"{k}={trial.Parameters[k]}").Append($"seed={trial.Seed}"));

    private ITrialGrain Trial(string hash) => GrainFactory.GetGrain<ITrialGrain>($"{Name}/{hash}");


    private KeyNotFoundException NotFound() => new($"Sweep '{Name}' does not exist.");
}
