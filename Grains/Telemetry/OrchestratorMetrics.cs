using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Trials;
using Orchestrator.Protocol;

namespace Orchestrator.Grains.Telemetry;

/// <summary>
/// The orchestrator's instruments (meter <see cref="OrchestratorTelemetry.Name"/>), one instance per silo. Tags are
/// low-cardinality only (workload, task, budget, device, state, outcome, silo): trial ids belong on spans. Gauges read
/// the sweeps and workers active on this silo, which register themselves for as long as they are activated.
/// </summary>
public sealed class OrchestratorMetrics
{
    private readonly ConcurrentDictionary<string, Func<SweepGauges>> _sweeps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<WorkerGauge>> _workers = new(StringComparer.Ordinal);
    private readonly Counter<long> _trialsFinished, _attemptsStarted, _leasesExpired, _requeued, _hostRestarts, _nonFinite;
    private readonly Histogram<double> _attemptDuration, _stepDuration, _evaluationDuration, _objective, _samplesPerSecond, _sweepTurn;
    private readonly KeyValuePair<string, object?> _silo;

    public OrchestratorMetrics(IMeterFactory factory, Hosting.OrchestratorOptions options)
    {
        var meter = factory.Create(OrchestratorTelemetry.Name);
        _silo = new("silo", options.SiloName);
        _trialsFinished = meter.CreateCounter<long>(MetricNames.TrialsFinished, "{trial}", "Trials that reached a final state, by outcome");
        _attemptsStarted = meter.CreateCounter<long>(MetricNames.AttemptsStarted, "{attempt}", "Work items leased to workers, by kind");
        _leasesExpired = meter.CreateCounter<long>(MetricNames.LeasesExpired, "{lease}", "Leases that ran out without a heartbeat");
        _requeued = meter.CreateCounter<long>(MetricNames.Requeued, "{attempt}", "Work requeued for another attempt");
        _hostRestarts = meter.CreateCounter<long>(MetricNames.TrialHostRestarts, "{restart}", "Trial-host child processes started again after one died");
        _nonFinite = meter.CreateCounter<long>(MetricNames.NonFiniteBatches, "{batch}", "Training batches skipped for a non-finite loss or gradient");
        _attemptDuration = meter.CreateHistogram<double>(MetricNames.AttemptDuration, "s", "Wall time of one work item on a worker");
        _stepDuration = meter.CreateHistogram<double>(MetricNames.StepDuration, "s", "Mean training-step time of one epoch");
        _evaluationDuration = meter.CreateHistogram<double>(MetricNames.EvaluationDuration, "s", "Sampling and C2ST time of one work item");
        _samplesPerSecond = meter.CreateHistogram<double>(MetricNames.SamplesPerSecond, "{sample}/s", "Training samples per second of one epoch");
        _sweepTurn = meter.CreateHistogram<double>(MetricNames.SweepTurnDuration, "s",
            "A sweep grain's lease and report turns and the state-log and ledger appends they await, by part");
        _objective = meter.CreateHistogram<double>(MetricNames.Objective, "1", "Final metrics of finished work (C2ST, validation NLL, …), by workload and metric");
        meter.CreateObservableGauge(MetricNames.Trials, ObserveTrials, "{trial}", "Trials of the sweeps active on this silo, by state");
        meter.CreateObservableGauge(MetricNames.QueueDepth, () => Observe(s => s.Pending), "{item}", "Work items waiting for a worker");
        meter.CreateObservableGauge(MetricNames.LeasesInFlight, () => Observe(s => s.Leased), "{lease}", "Work items leased to workers");
        meter.CreateObservableGauge(MetricNames.Workers, ObserveWorkers, "{worker}", "Worker slots by device kind and busy/idle");
    }

    /// <summary>Registers a sweep's gauges until the returned handle is disposed (on deactivation).</summary>
    public IDisposable TrackSweep(string sweep, Func<SweepGauges> read) => Track(_sweeps, sweep, read);

    /// <summary>Registers a worker slot's busy/idle gauge until the returned handle is disposed.</summary>
    public IDisposable TrackWorker(string worker, Func<WorkerGauge> read) => Track(_workers, worker, read);

    public void TrialFinished(string workload, TrialStatus outcome) =>
        _trialsFinished.Add(1, new("workload", workload), new("outcome", outcome.ToString().ToLowerInvariant()));

    public void AttemptStarted(string workload, WorkKind kind) =>
        _attemptsStarted.Add(1, new("workload", workload), new("kind", Kind(kind)));

    public void AttemptEnded(string workload, WorkKind kind, string outcome, double seconds) =>
        _attemptDuration.Record(seconds, new("workload", workload), new("kind", Kind(kind)), new("outcome", outcome));

    public void LeaseExpired() => _leasesExpired.Add(1);

    /// <summary>One part of a sweep grain's dispatch (<see cref="SweepTurnParts"/>) that began at <paramref name="started"/> (a Stopwatch timestamp).</summary>
    public void SweepTurn(string part, long started) =>
        _sweepTurn.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("part", part));

    public void Requeued(WorkKind kind) => _requeued.Add(1, new KeyValuePair<string, object?>("kind", Kind(kind)));

    public void TrialHostRestarted(string device) => _hostRestarts.Add(1, new KeyValuePair<string, object?>("device", device));

    /// <summary>One finished epoch: its mean step time, throughput and newly skipped batches.</summary>
    public void Epoch(TrialSpec trial, string workload, string device, double stepSeconds, double samplesPerSecond, int newlySkipped)
    {
        var tags = new TagList { { "workload", workload }, { "task", Parameter(trial, "task") }, { "device", device } };
        if (double.IsFinite(stepSeconds))
            _stepDuration.Record(stepSeconds, tags);
        if (double.IsFinite(samplesPerSecond) && samplesPerSecond > 0)
            _samplesPerSecond.Record(samplesPerSecond, tags);
        if (newlySkipped > 0)
            _nonFinite.Add(newlySkipped, tags);
    }

    public void Evaluated(TrialSpec trial, string workload, double seconds) =>
        _evaluationDuration.Record(seconds, new("workload", workload), new("task", Parameter(trial, "task")));

    /// <summary>Records the final metrics a trial (or its training) reported, each under its declared name.</summary>
    public void Objectives(TrialSpec trial, string workload, IReadOnlyDictionary<string, double> values)
    {
        foreach (var (metric, value) in values)
        {
            if (double.IsFinite(value))
                _objective.Record(value, new TagList
                {
                    { "workload", workload }, { "metric", metric }, { "task", Parameter(trial, "task") }, { "budget", Parameter(trial, "budget") },
                });
        }
    }

    private static string Parameter(TrialSpec trial, string name) =>
        trial.Parameters.TryGetValue(name, out var value) ? value.ToString() : "";

    private static string Kind(WorkKind kind) => kind == WorkKind.Train ? "train" : "evaluate";

    private IEnumerable<Measurement<long>> ObserveTrials()
    {
        var totals = new long[Enum.GetValues<TrialStatus>().Length];
        foreach (var read in _sweeps.Values)
        {
            var counts = read().ByState;
            for (var i = 0; i < totals.Length && i < counts.Count; i++)
                totals[i] += counts[i];
        }
        return Enum.GetValues<TrialStatus>().Select(s =>
            new Measurement<long>(totals[(int)s], new("state", s.ToString().ToLowerInvariant()), _silo));
    }

    private Measurement<long> Observe(Func<SweepGauges, int> field) =>
        new(_sweeps.Values.Sum(read => (long)field(read())), _silo);

    private IEnumerable<Measurement<long>> ObserveWorkers() =>
        _workers.Values.Select(read => read())
            .GroupBy(w => (w.Device, w.Busy))
            .Select(g => new Measurement<long>(g.Count(), new("device", g.Key.Device), new("state", g.Key.Busy ? "busy" : "idle"), _silo));

    private static IDisposable Track<T>(ConcurrentDictionary<string, T> registry, string key, T value) where T : class
    {
        registry[key] = value;
        return new Registration(() => registry.TryRemove(new KeyValuePair<string, T>(key, value)));
    }

    private sealed class Registration(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}

/// <summary>What a sweep reports to the gauges: work waiting, work leased, trials per <see cref="TrialStatus"/> (by value).</summary>
public sealed record SweepGauges(int Pending, int Leased, IReadOnlyList<int> ByState);

/// <summary>A worker slot's device kind (cpu, cuda) and whether it runs an item.</summary>
public sealed record WorkerGauge(string Device, bool Busy);
