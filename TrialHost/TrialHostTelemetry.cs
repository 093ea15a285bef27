using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orchestrator.Protocol;

namespace Orchestrator.TrialHost;

/// <summary>
/// Spans of the trial-host child: each request continues the worker's trace (the traceparent in the request) with a
/// training span (one event per epoch) or an evaluation-shard span. Exported over OTLP when the worker passed an
/// endpoint (OTEL_EXPORTER_OTLP_ENDPOINT); otherwise no span is even created. Flushed after every request, since the
/// process may be killed between requests.
/// </summary>
public sealed class TrialHostTelemetry : IDisposable
{
    private readonly TracerProvider? _provider;

    public TrialHostTelemetry()
    {
        // The worker passes its OTLP destination as the standard variables, which the exporter reads itself.
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
            return;
        _provider = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.AddService(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") ?? "orchestrator-trial-host",
                serviceInstanceId: $"{Environment.MachineName}/{Environment.ProcessId}"))
            .AddSource(OrchestratorTelemetry.Name)
            .AddOtlpExporter()
            .Build();
    }

    /// <summary>The span of one request, child of the worker's attempt span; null when nothing listens.</summary>
    public static Activity? Start(TrialHostRequest request)
    {
        var (name, traceParent, trialId, workload) = request switch
        {
            TrainRequest t => (OrchestratorTelemetry.Spans.Training, t.TraceParent, t.TrialId, t.Workload),
            EvaluateRequest e => (OrchestratorTelemetry.Spans.EvaluationShard, e.TraceParent, e.TrialId, e.Workload),
            _ => throw new InvalidOperationException("Only Train and Evaluate have spans."),
        };
        ActivityContext.TryParse(traceParent, null, out var parent);
        var activity = OrchestratorTelemetry.Source.StartActivity(name, ActivityKind.Internal, parent);
        activity?.SetTag(OrchestratorTelemetry.Attributes.TrialId, trialId);
        activity?.SetTag(OrchestratorTelemetry.Attributes.Workload, workload);
        activity?.SetTag("process.pid", Environment.ProcessId);
        return activity;
    }

    /// <summary>Adds what an event says to the request's span: epochs as span events, failures as status.</summary>
    public static void Record(Activity? activity, TrialHostEvent e)
    {
        if (activity is null)
            return;
        switch (e)
        {
            case Epoch epoch:
                var tags = new ActivityTagsCollection { [OrchestratorTelemetry.Attributes.Epoch] = epoch.EpochNumber };
                foreach (var (name, value) in epoch.Metrics)
                    tags[name] = value;
                activity.AddEvent(new ActivityEvent(OrchestratorTelemetry.Spans.EpochEvent, tags: tags));
                break;
            case Failed failed:
                OrchestratorTelemetry.Fail(activity, failed.Reason);
                break;
            case Completed completed:
                OrchestratorTelemetry.TagMetrics(activity, completed.Summary.Metrics);
                break;
        }
    }

    /// <summary>Sends the finished spans now (the next request may never come).</summary>
    public void Flush() => _provider?.ForceFlush(5000);

    public void Dispose() => _provider?.Dispose();
}
