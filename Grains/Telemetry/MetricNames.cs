namespace Orchestrator.Grains.Telemetry;

/// <summary>
/// Every instrument name of the orchestrator's meter. Prometheus sees them with dots as underscores, the unit as a
/// suffix (<c>_seconds</c>) and <c>_total</c> on counters; infra/grafana uses exactly those names (a test checks it).
/// </summary>
public static class MetricNames
{
    public const string Trials = "orchestrator.trials";
    public const string TrialsFinished = "orchestrator.trials.finished";
    public const string QueueDepth = "orchestrator.queue.depth";
    public const string LeasesInFlight = "orchestrator.leases.in_flight";
    public const string Workers = "orchestrator.workers";
    public const string AttemptsStarted = "orchestrator.attempts.started";
    public const string AttemptDuration = "orchestrator.attempt.duration";
    public const string StepDuration = "orchestrator.training.step.duration";
    public const string SamplesPerSecond = "orchestrator.training.throughput";
    public const string NonFiniteBatches = "orchestrator.training.nonfinite_batches";
    public const string EvaluationDuration = "orchestrator.evaluation.duration";
    /// <summary>Final metrics of completed trials, tagged by workload and metric name.</summary>
    public const string Objective = "orchestrator.objective";
    public const string LeasesExpired = "orchestrator.leases.expired";
    public const string Requeued = "orchestrator.attempts.requeued";
    public const string TrialHostRestarts = "orchestrator.trialhost.restarts";
    /// <summary>Where a sweep grain's dispatch time goes: its lease and report turns, and the appends they await, by part.</summary>
    public const string SweepTurnDuration = "orchestrator.sweep.turn.duration";
}
