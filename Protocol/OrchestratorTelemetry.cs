using System.Diagnostics;

namespace Orchestrator.Protocol;

/// <summary>
/// The orchestrator's one ActivitySource and meter name, its span names and attribute keys. Spans form one tree per
/// sweep: submit (client) → sweep → trial attempt (worker) → training (trial-host child, one event per epoch) →
/// evaluation; an evaluation shard is an attempt of its own whose child span is the shard. Here, beside the protocol,
/// because both sides of it (worker and trial-host child) write spans.
/// </summary>
public static class OrchestratorTelemetry
{
    /// <summary>Name of the ActivitySource and of the Meter.</summary>
    public const string Name = "Orchestrator";

    public static readonly ActivitySource Source = new(Name, typeof(OrchestratorTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Orleans' own activity sources (grain calls, runtime, lifecycle, storage) and meter.</summary>
    public static readonly string[] OrleansSources =
        ["Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Lifecycle", "Microsoft.Orleans.Storage"];
    public const string OrleansMeter = "Microsoft.Orleans";

    public static class Spans
    {
        public const string Submit = "orchestrator.submit";
        public const string Sweep = "orchestrator.sweep";
        public const string TrialAttempt = "orchestrator.trial.attempt";
        public const string Training = "orchestrator.training";
        public const string Evaluation = "orchestrator.evaluation";
        public const string EvaluationShard = "orchestrator.evaluation.shard";
        /// <summary>Event on the training span, one per finished epoch.</summary>
        public const string EpochEvent = "epoch";
    }

    public static class Attributes
    {
        public const string Sweep = "orchestrator.sweep";
        public const string Trials = "orchestrator.sweep.trials";
        public const string TrialId = "orchestrator.trial.id";
        public const string Attempt = "orchestrator.trial.attempt";
        public const string Kind = "orchestrator.work.kind";
        public const string Shard = "orchestrator.work.shard";
        public const string Workload = "orchestrator.workload";
        public const string Task = "orchestrator.task";
        public const string Budget = "orchestrator.budget";
        public const string Seed = "orchestrator.seed";
        public const string Device = "orchestrator.device";
        public const string Silo = "orchestrator.silo";
        public const string Worker = "orchestrator.worker";
        /// <summary>Prefix of every searched and fixed parameter: <c>orchestrator.param.beta</c>.</summary>
        public const string ParameterPrefix = "orchestrator.param.";
        public const string Outcome = "orchestrator.outcome";
        /// <summary>Prefix of every final metric on a span: <c>orchestrator.metric.c2st</c> (names as the workload declares them).</summary>
        public const string MetricPrefix = "orchestrator.metric.";
        /// <summary>Epoch event field; the event's other fields are the epoch metrics by their declared names.</summary>
        public const string Epoch = "epoch";
    }

    /// <summary>Tags a span with a request's final metrics (<see cref="Attributes.MetricPrefix"/> + name).</summary>
    public static void TagMetrics(Activity? activity, IReadOnlyDictionary<string, double> metrics)
    {
        foreach (var (name, value) in metrics)
            activity?.SetTag(Attributes.MetricPrefix + name, value);
    }

    /// <summary>Marks a span failed with the reason (status Error and an exception-less description).</summary>
    public static void Fail(Activity? activity, string reason)
    {
        activity?.SetStatus(ActivityStatusCode.Error, reason);
        activity?.SetTag(Attributes.Outcome, "failed");
    }
}
