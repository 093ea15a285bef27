using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orchestrator.Grains.Telemetry;
using Orchestrator.Protocol;
using Orchestrator.Tests.Orchestration;
using Attr = Orchestrator.Protocol.OrchestratorTelemetry.Attributes;
using Spans = Orchestrator.Protocol.OrchestratorTelemetry.Spans;

namespace Orchestrator.Tests.Telemetry;

/// <summary>A sweep on a real test cluster, seen through in-memory exporters: its span tree and its metrics.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class SweepTracingTests
{
    [Fact]
    public async Task A_sweep_is_one_trace_from_submit_through_every_trial_attempt_and_its_metrics_add_up()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(OrchestratorTelemetry.Name).AddSource(OrchestratorTelemetry.OrleansSources)
            .AddInMemoryExporter(spans).Build();
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeter(OrchestratorTelemetry.Name).AddInMemoryExporter(metrics).Build();
        var store = Directory.CreateTempSubdirectory("orchestrator-tracing-").FullName;
        await using (var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store, slotsPerSilo: 2))
        {
            var spec = OrchestratorTestCluster.TinySpec("traced", search: "beta: [5, 25]", seeds: "[1]");
            await cluster.Client.SubmitAsync(spec);
            // Progress events name trials by their searched values and seed, as the CLI's bars show them.
            var labels = new HashSet<string>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await foreach (var progress in cluster.Client.WatchAsync("traced", timeout.Token))
                if (progress.Label is { } label)
                    labels.Add(label);
            Assert.Equal(["beta=25 seed=1", "beta=5 seed=1"], labels.Order(StringComparer.Ordinal));
            var results = await cluster.RunToEndAsync("traced", TimeSpan.FromMinutes(3));
            Assert.Equal(2, results.Status.Completed);
            meters.ForceFlush();
        }
        tracing.ForceFlush();

        var submit = Assert.Single(spans, s => s.OperationName == Spans.Submit);
        Assert.Equal(ActivityKind.Client, submit.Kind);
        Assert.Equal("traced", submit.GetTagItem(Attr.Sweep));
        var sweep = Assert.Single(spans, s => s.OperationName == Spans.Sweep);
        Assert.Equal(2, sweep.GetTagItem(Attr.Trials));
        var attempts = spans.Where(s => s.OperationName == Spans.TrialAttempt).ToList();
        Assert.Equal(2, attempts.Count);
        // One trace id: submit → (Orleans grain call) → sweep → attempt, each a descendant of the one before.
        var byId = spans.ToDictionary(s => s.SpanId);
        Assert.All(attempts.Append(sweep), s => Assert.Equal(submit.TraceId, s.TraceId));
        Assert.True(IsDescendant(sweep, submit, byId), "the sweep span descends from the submit span");
        Assert.All(attempts, a => Assert.Equal(sweep.SpanId, a.ParentSpanId));
        Assert.Equal(["25", "5"], attempts.Select(a => (string)a.GetTagItem(Attr.ParameterPrefix + "beta")!).Order());
        foreach (var attempt in attempts)
        {
            Assert.Equal("traced", attempt.GetTagItem(Attr.Sweep));
            Assert.StartsWith("traced/", (string)attempt.GetTagItem(Attr.TrialId)!);
            Assert.Equal(1, attempt.GetTagItem(Attr.Attempt));
            Assert.Equal("fff-sbi", attempt.GetTagItem(Attr.Workload));
            Assert.Equal("two_moons", attempt.GetTagItem(Attr.Task));
            Assert.Equal("200", attempt.GetTagItem(Attr.Budget));
            Assert.Equal(1L, attempt.GetTagItem(Attr.Seed));
            Assert.Equal("cpu", attempt.GetTagItem(Attr.Device));
            Assert.Equal("train", attempt.GetTagItem(Attr.Kind));
            Assert.Equal("completed", attempt.GetTagItem(Attr.Outcome));
            Assert.NotNull(attempt.GetTagItem(Attr.Silo));
            Assert.Contains("/cpu", (string)attempt.GetTagItem(Attr.Worker)!);
            Assert.Equal(ActivityStatusCode.Unset, attempt.Status);
        }

        Assert.Equal(2, Sum(metrics, MetricNames.TrialsFinished, ("outcome", "completed")));
        Assert.Equal(2, Sum(metrics, MetricNames.AttemptsStarted, ("kind", "train")));
        Assert.Equal(0, Last(metrics, MetricNames.QueueDepth));
        Assert.Equal(0, Last(metrics, MetricNames.LeasesInFlight));
        Assert.Equal(2, Last(metrics, MetricNames.Trials, ("state", "completed")));
        Assert.Equal(2 * 2, HistogramCount(metrics, MetricNames.StepDuration)); // 2 trials × 2 epochs
        Assert.Equal(2, HistogramCount(metrics, MetricNames.Objective, ("metric", "c2st")));
        Assert.DoesNotContain(metrics.SelectMany(Points).SelectMany(Tags), t => t.Key.Contains("trial", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Evaluation_shards_hang_below_the_training_attempt_of_their_trial()
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(OrchestratorTelemetry.Name).AddInMemoryExporter(spans).Build();
        var store = Directory.CreateTempSubdirectory("orchestrator-tracing-").FullName;
        await using (var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store, slotsPerSilo: 2))
        {
            var spec = OrchestratorTestCluster.TinySpec("sharded-trace", search: "beta: [25]", seeds: "[1]", shards: 2, observations: "[1, 2]");
            await cluster.Client.SubmitAsync(spec);
            var results = await cluster.RunToEndAsync("sharded-trace", TimeSpan.FromMinutes(3));
            Assert.Equal(1, results.Status.Completed);
        }
        tracing.ForceFlush();
        Directory.Delete(store, recursive: true);

        var attempts = spans.Where(s => s.OperationName == Spans.TrialAttempt && Equals(s.GetTagItem(Attr.Sweep), "sharded-trace")).ToList();
        var training = Assert.Single(attempts, a => Equals(a.GetTagItem(Attr.Kind), "train"));
        var shards = attempts.Where(a => Equals(a.GetTagItem(Attr.Kind), "evaluate")).ToList();
        Assert.Equal([0, 1], shards.Select(s => (int)s.GetTagItem(Attr.Shard)!).Order());
        // One trace per trial attempt: each shard is a child of the attempt that trained the model it evaluates.
        Assert.All(shards, s => Assert.Equal(training.SpanId, s.ParentSpanId));
        Assert.All(shards, s => Assert.Equal(training.TraceId, s.TraceId));
        var sweep = Assert.Single(spans, s => s.OperationName == Spans.Sweep && Equals(s.GetTagItem(Attr.Sweep), "sharded-trace"));
        Assert.Equal(sweep.SpanId, training.ParentSpanId);
    }

    private static bool IsDescendant(Activity span, Activity ancestor, Dictionary<ActivitySpanId, Activity> byId)
    {
        for (var current = span; byId.TryGetValue(current.ParentSpanId, out var parent); current = parent)
        {
            if (parent.SpanId == ancestor.SpanId)
                return true;
        }
        return false;
    }

    private static IEnumerable<MetricPoint> Points(Metric metric)
    {
        var points = new List<MetricPoint>();
        foreach (ref readonly var point in metric.GetMetricPoints())
            points.Add(point);
        return points;
    }

    private static IEnumerable<KeyValuePair<string, object?>> Tags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags)
            tags.Add(tag);
        return tags;
    }

    private static bool Matches(MetricPoint point, (string Key, string Value)[] tags) =>
        tags.All(t => Tags(point).Any(kv => kv.Key == t.Key && Equals(kv.Value, t.Value)));

    // Cumulative temporality: the last export of an instrument holds its totals.
    private static List<MetricPoint> LastPoints(List<Metric> metrics, string name, (string, string)[] tags) =>
        Points(metrics.Last(m => m.Name == name)).Where(p => Matches(p, tags)).ToList();

    private static long Sum(List<Metric> metrics, string name, params (string, string)[] tags) =>
        LastPoints(metrics, name, tags).Sum(p => p.GetSumLong());

    private static long Last(List<Metric> metrics, string name, params (string, string)[] tags) =>
        LastPoints(metrics, name, tags).Sum(p => p.GetGaugeLastValueLong());

    private static long HistogramCount(List<Metric> metrics, string name, params (string, string)[] tags) =>
        LastPoints(metrics, name, tags).Sum(p => p.GetHistogramCount());
}
