using Orchestrator.Grains.Telemetry;
using Orchestrator.Protocol;
using Orchestrator.Tests.Orchestration;
using Attr = Orchestrator.Protocol.OrchestratorTelemetry.Attributes;
using Spans = Orchestrator.Protocol.OrchestratorTelemetry.Spans;

namespace Orchestrator.Tests.Telemetry;

/// <summary>
/// A silo configured with an OTLP endpoint exports real OTLP/HTTP protobuf requests: the receiver here decodes them.
/// The trial-host child exports too, so one trace shows a trial attempt across the silo and the child process.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Spans_of_silo_and_trial_host_and_the_metrics_arrive_over_otlp_in_one_trace()
    {
        using var receiver = new OtlpHttpReceiver();
        var store = Directory.CreateTempSubdirectory("orchestrator-otlp-").FullName;
        await using (var cluster = await OrchestratorTestCluster.StartAsync(1, o =>
        {
            o.LocalPath = store;
            o.Telemetry = new TelemetryOptions { OtlpEndpoint = receiver.Endpoint, OtlpProtocol = "http/protobuf", MetricInterval = TimeSpan.FromMilliseconds(500) };
        }))
        {
            await cluster.Client.SubmitAsync(OrchestratorTestCluster.TinySpec("otlp", search: "beta: [5]", seeds: "[1]", epochs: 3));
            var results = await cluster.RunToEndAsync("otlp", TimeSpan.FromMinutes(3));
            Assert.Equal(1, results.Status.Completed);
            await WaitAsync(() => receiver.Points.Any(p => p.Metric == MetricNames.TrialsFinished)
                && receiver.Spans.Any(s => s.Name == Spans.Evaluation));
        }
        await WaitAsync(() => receiver.Spans.Any(s => s.Name == Spans.Submit));

        var spans = receiver.Spans;
        var submit = Assert.Single(spans, s => s.Name == Spans.Submit);
        var sweep = Assert.Single(spans, s => s.Name == Spans.Sweep);
        var attempt = Assert.Single(spans, s => s.Name == Spans.TrialAttempt);
        var training = Assert.Single(spans, s => s.Name == Spans.Training);
        var evaluation = Assert.Single(spans, s => s.Name == Spans.Evaluation);
        Assert.All(new[] { sweep, attempt, training, evaluation }, s => Assert.Equal(submit.TraceId, s.TraceId));
        Assert.Equal(sweep.SpanId, attempt.ParentSpanId);
        Assert.Equal(attempt.SpanId, training.ParentSpanId);
        Assert.Equal(training.SpanId, evaluation.ParentSpanId);
        Assert.Equal("orchestrator-silo", attempt.Service);
        Assert.Equal("orchestrator-trial-host", training.Service);
        Assert.Equal("5", attempt.Attributes[Attr.ParameterPrefix + "beta"]);
        Assert.Equal(attempt.Attributes[Attr.TrialId], training.Attributes[Attr.TrialId]);
        Assert.Equal([1, 2, 3], training.Events.Where(e => e.Name == Spans.EpochEvent).Select(e => int.Parse(e.Attributes[Attr.Epoch])));
        Assert.All(training.Events, e => Assert.True(double.IsFinite(double.Parse(e.Attributes["trainLoss"], System.Globalization.CultureInfo.InvariantCulture))));

        var finished = receiver.Points.Where(p => p.Metric == MetricNames.TrialsFinished && p.Attributes["outcome"] == "completed").ToList();
        Assert.Equal(1, finished[^1].Value);
        Assert.Contains(receiver.Points, p => p.Metric.StartsWith("orleans-", StringComparison.Ordinal) || p.Metric.StartsWith("orleans", StringComparison.Ordinal));
        Assert.True(receiver.LogRequests > 0, "logs are exported over OTLP too");
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited += 100)
        {
            Assert.True(waited < 20_000, "the expected telemetry did not arrive within 20 s");
            await Task.Delay(100);
        }
    }
}
