using System.Diagnostics;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Telemetry;
using Orchestrator.Grains.Trials;

namespace Orchestrator.Grains.Sweeps;

/// <summary>Reports of finished work to <see cref="SweepGrain"/>: trainings, evaluation shards, and what a completion sets off.</summary>
public sealed partial class SweepGrain
{
    public Task CompleteAsync(string leaseId, WorkOutcome outcome) => CompleteBatchAsync([new LeaseOutcome(leaseId, outcome)]);

    public async Task CompleteBatchAsync(IReadOnlyList<LeaseOutcome> outcomes)
    {
        if (phase.State.Phase != SweepPhase.Running)
            return;
        var turn = Stopwatch.GetTimestamp();
        // The leases are released only once the outcomes are stored: a report that fails half-way can be sent again.
        // A trial's metrics follow one rule (its final metrics, plus the last epoch's value of those reported only per
        // epoch): what its state stores is what ranking, TPE, checkpoint policies and reports read.
        var reports = outcomes.Select(o => (Lease: _queue.Get(o.LeaseId) ?? _queue.TryAdopt(o.LeaseId), o.Outcome))
            .Where(r => r.Lease is not null)
            .Select(r => (Lease: r.Lease!, Outcome: r.Outcome with { Metrics = Workload.TrialMetrics(r.Outcome.Metrics, r.Outcome.LastEpoch) })).ToList();
        var shards = Spec.Evaluation.Shards > 1 ? Spec.Evaluation.Shards : 0;
        // Trainings without shards complete their trials: their states in one append, their ledger lines in one more.
        var finals = reports.Where(r => r.Lease.Work.Kind == WorkKind.Train && shards == 0).ToList();
        var now = time.GetUtcNow();
        var fresh = new List<(PendingWork Work, TrialState State, IReadOnlyDictionary<string, double> Final)>();
        foreach (var (lease, outcome) in finals)
        {
            // Else a late duplicate, or a report of an attempt that was superseded.
            if (_ledger.Find(lease.Work.Index) is not { Status: TrialStatus.Completed } && _states.TryGetValue(lease.Work.ConfigHash, out var held)
                && stateCopier.Copy(held) is var state && state.Trained(lease.Work.Attempt, outcome, 0, now))
            {
                fresh.Add((lease.Work, state, MetricText.WithScores(Workload, outcome.Metrics, outcome.Scores)));
            }
        }
        await RecordAsync([.. fresh.Select(f => new Transition(f.Work, f.State, TrialStatus.Completed, ObjectiveOf(f.Final)))]);
        foreach (var (work, state, final) in fresh)
        {
            Hold(work.ConfigHash, state);
            Completed(work, final);
        }
        foreach (var (lease, _) in finals)
            _queue.Release(lease.Id);
        foreach (var (lease, outcome) in reports.Where(r => !(r.Lease.Work.Kind == WorkKind.Train && shards == 0)))
            await CompleteOneAsync(lease, outcome, shards);
        await DeleteDoomedCheckpointsAsync();
        await CheckFinishedAsync();
        metrics.SweepTurn(SweepTurnParts.Report, turn);
    }

    /// <summary>A training followed by evaluation shards, or one evaluation shard.</summary>
    private async Task CompleteOneAsync(Lease lease, WorkOutcome outcome, int shards)
    {
        var work = lease.Work;
        var held = _states.GetValueOrDefault(work.ConfigHash);
        var state = held is null ? null : stateCopier.Copy(held);
        var now = time.GetUtcNow();
        if (work.Kind == WorkKind.Train)
        {
            if (state?.Trained(work.Attempt, outcome, shards, now) != true)
            {
                _queue.Release(lease.Id); // a report of an attempt that was superseded
                return;
            }
            await RecordAsync([new Transition(work, state, TrialStatus.Evaluating)]);
            Hold(work.ConfigHash, state);
            _queue.Release(lease.Id);
            for (var shard = 0; shard < shards; shard++)
                _queue.Enqueue(new PendingWork(WorkKind.Evaluate, work.Index, work.ConfigHash, shard, ShardObservations(shard), 1, 0, work.Trial, TraceParent: outcome.TraceParent));
            Publish(work, $"trained{MetricText.Final(Workload, outcome.Metrics)}; {shards} evaluation shards queued");
            return;
        }
        // The trial keeps the shards' scores (first report of a shard wins), so a retried report is harmless.
        if (state?.ShardDone(work.Shard, outcome.Scores, now) == true)
        {
            var completed = state.Status == TrialStatus.Completed;
            var final = state.FinalMetrics(Workload.PrimaryMetric.Name);
            await RecordAsync([new Transition(work, state, state.Status, completed ? ObjectiveOf(final) : double.NaN)]);
            Hold(work.ConfigHash, state);
            if (completed)
                Completed(work, final);
        }
        _queue.Release(lease.Id);
    }

    private double ObjectiveOf(IReadOnlyDictionary<string, double> final) =>
        final.TryGetValue(Objective.Name, out var value) ? value : double.NaN;

    /// <summary>After a completion is stored (the ledger keeps the objective's value): metrics, the source's feedback, the watchers.</summary>
    private void Completed(PendingWork work, IReadOnlyDictionary<string, double> final)
    {
        metrics.TrialFinished(Spec.Workload, TrialStatus.Completed);
        metrics.Objectives(work.Trial!, Spec.Workload, final);
        _source.Observe(work.Trial!, Objective.Loss(ObjectiveOf(final)));
        KeepCheckpoints(work, final);
        Publish(work, $"completed{MetricText.Final(Workload, final)}");
    }
}
