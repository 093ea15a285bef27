using System.Reflection;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Storage;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Storage;
using Orchestrator.Grains.Workers;
using Orchestrator.Workloads;

namespace Orchestrator.Tests.TrialHost;

/// <summary>
/// A local file of a running attempt that vanishes (the work folder cleaned up under the worker) is not a storage
/// outage: the attempt fails at once with the path in its reason, instead of being retried for the outage window.
/// </summary>
[Collection(TrialHostCollection.Name)]
public sealed class MissingLocalFileTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("orchestrator-test-work-missing-").FullName;

    [Fact]
    public async Task A_checkpoint_deleted_before_its_upload_fails_the_attempt_without_outage_retries()
    {
        var workRoot = Path.Combine(_root, "work");
        var checkpoint = Path.Combine(workRoot, "missing", "trial", "checkpoint.bin");
        // The only checkpoint is the final epoch's (epoch 2 of 2): deleted when epoch 2's metrics arrive, just before
        // its CheckpointSaved event is handled.
        var store = StoreProxy.Wrap(new LocalDirectoryResultStore(Path.Combine(_root, "results")),
            onMetrics: line => { if (line.Contains("\"epoch\":2", StringComparison.Ordinal)) File.Delete(checkpoint); });
        var sweep = SweepProxy.Create();
        var retries = new List<Exception>();
        await using var process = new TrialProcess();
        var run = new WorkItemRun(Item(), process, sweep, store,
            new WorkItemRunOptions(workRoot, Threads: 1, new OutageRetry(TimeSpan.FromSeconds(30), (e, _) => retries.Add(e)), TimeSpan.FromSeconds(30)));

        var outcome = await run.ExecuteAsync(CancellationToken.None);

        Assert.Equal("failed", outcome);
        Assert.Empty(retries);
        var fail = Assert.Single(((SweepProxy)(object)sweep).Calls, c => c.Method == "FailAsync");
        Assert.Contains("a local file of the attempt is missing", (string)fail.Args[1]!);
        Assert.Contains(checkpoint, (string)fail.Args[1]!);
        Assert.True((bool)fail.Args[2]!, "retryable: the next attempt resumes from the checkpoint in storage");
        Assert.DoesNotContain(((SweepProxy)(object)sweep).Calls, c => c.Method is "CompleteAsync" or "RequeueAsync");
    }

    private static WorkItem Item()
    {
        var parameters = new Dictionary<string, ParamValue>(StringComparer.Ordinal)
        {
            ["task"] = ParamValue.Of("two_moons"),
            ["budget"] = ParamValue.Of(200),
            ["epochs"] = ParamValue.Of(2),
            ["batchSize"] = ParamValue.Of(64),
            ["posteriorSamples"] = ParamValue.Of(500),
        };
        var trial = new TrialSpec { ConfigHash = "trial", GroupHash = "group", Seed = 1, Parameters = parameters, Workload = "fff-sbi" };
        return new WorkItem("missing", "lease-1", WorkKind.Train, trial, "fff-sbi", Attempt: 1, Shard: 0, Observations: [1], Device: "cpu",
            CheckpointEvery: 1000, LeaseSeconds: 20);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A sweep grain stand-in that records the worker's reports and honours every heartbeat.</summary>
    public class SweepProxy : DispatchProxy
    {
        public List<(string Method, object?[] Args)> Calls { get; } = [];

        public static ISweepGrain Create() => Create<ISweepGrain, SweepProxy>();

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            lock (Calls)
                Calls.Add((method!.Name, args ?? []));
            return method.ReturnType == typeof(Task<bool>) ? Task.FromResult(true) : Task.CompletedTask;
        }
    }

    /// <summary>The real local result store, with a hook on every metric line the worker appends.</summary>
    public class StoreProxy : DispatchProxy
    {
        private IResultStore _inner = null!;
        private Action<string> _onMetrics = null!;

        public static IResultStore Wrap(IResultStore inner, Action<string> onMetrics)
        {
            var store = Create<IResultStore, StoreProxy>();
            var proxy = (StoreProxy)(object)store;
            (proxy._inner, proxy._onMetrics) = (inner, onMetrics);
            return store;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            var result = method!.Invoke(_inner, args);
            if (method.Name == nameof(IResultStore.AppendMetricsAsync))
                foreach (var line in (IEnumerable<string>)args![2]!)
                    _onMetrics(line);
            return result;
        }
    }
}
