using Orchestrator.Client.Sdk;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Contracts.Workers;
using Orchestrator.Grains.Storage;
using Orchestrator.Tests.Infrastructure;
using Orchestrator.Training.Workloads;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Cluster;

/// <summary>
/// Real silo processes on Redis membership and Azurite, everything on loopback: starting them, small real trials, waiting
/// for conditions and the exactly-once checks the cluster tests share. Each test gets its own Redis, Azurite container
/// and work folder; a failed test shows each silo's last lines.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(ClusterProcessCollection.Name)]
public abstract class ClusterProcessTestBase(ITestOutputHelper output) : IAsyncLifetime
{
    // Generous: on a machine loaded ~15× over its cores, silos took over 90 s to join (nothing waits when they are quick).
    protected static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);
    protected readonly AzuriteFixture Azurite = new();
    protected readonly List<SiloProcess> Silos = [];
    protected ITestOutputHelper Output { get; } = output;
    protected RedisServer Redis { get; private set; } = null!;
    protected OrchestratorClient Client { get; private set; } = null!;
    private string _container = null!;

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        Redis = await RedisServer.StartAsync();
        _container = AzuriteFixture.NewContainerName("cluster");
    }

    protected async Task StartSilosAsync(params string[] names)
    {
        var started = names.Select(n => SiloProcess.Start(n, Settings())).ToList();
        Silos.AddRange(started);
        await Task.WhenAll(started.Select(s => s.WaitUntilReadyAsync(StartTimeout)));
        Client ??= await ConnectClientAsync();
    }

    /// <summary>Connects the test's client again: a client learns the silos' gateways when it connects.</summary>
    protected async Task ReconnectClientAsync()
    {
        await Client.DisposeAsync();
        Client = await ConnectClientAsync();
    }

    private Task<OrchestratorClient> ConnectClientAsync() => OrchestratorClient.ConnectAsync(new ClientConnectionOptions
    {
        Clustering = "redis", RedisConnection = Redis.Connection, ConnectTimeout = StartTimeout,
    });

    private string WorkPath => Path.Combine(Path.GetTempPath(), "orchestrator-cluster-tests", _container);

    protected virtual Dictionary<string, string> Settings() => new()
    {
        ["Clustering"] = "redis",
        ["RedisConnection"] = Redis.Connection,
        ["Storage"] = "Azure",
        ["ConnectionString"] = Azurite.ConnectionString,
        ["Container"] = _container,
        ["CpuSlots"] = "1",
        ["CudaSlots"] = "0",
        ["WorkPath"] = WorkPath,
        ["Sweeps:LeaseDuration"] = "00:00:20",
        ["Sweeps:CheckpointEvery"] = "1",
        ["Telemetry:PrometheusPort"] = "0", // several silos on one machine: no fixed metrics port
    };

    /// <summary>Small real trials that last long enough (a few seconds each, 8 epochs) to be killed mid-training.</summary>
    protected static SweepSpec Spec(string name, string search, string seeds = "[1, 2]", int epochs = 8) => SweepSpecParser.Parse($$"""
        name: {{name}}
        workload: fff-sbi
        fixed: { task: two_moons, budget: 400, epochs: {{epochs}}, batchSize: 32, posteriorSamples: 500 }
        search:
          {{search}}
        seeds: {{seeds}}
        evaluation: { observations: [1] }
        """, BuiltInWorkloads.Registry, "spec.yaml");

    /// <summary>Waits for a trial that runs on a live silo and has a checkpoint; returns that silo and the trial.</summary>
    protected async Task<(SiloProcess Silo, string Trial)> RunningTrialWithCheckpointAsync(string sweep)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var silo in Silos.Where(s => !s.HasExited))
            {
                var status = await Client.Cluster.GetGrain<IWorkerGrain>($"{silo.Name}/cpu0").GetStatusAsync();
                if (status.CurrentSweep == sweep && status.CurrentTrial is { } trial && (await TrialStateAsync(sweep, trial)).CheckpointEpoch >= 2)
                    return (silo, trial);
            }
            await Task.Delay(200);
        }
        var tails = string.Join("\n", Silos.Select(s => $"--- {s.Name}:\n{string.Join('\n', s.Output.Split('\n').TakeLast(15))}"));
        throw new TimeoutException($"no trial with a checkpoint was running; the silos' last lines:\n{tails}");
    }

    /// <summary>Watches a sweep in the background, keeping every event with its arrival time, until it ends by itself.</summary>
    protected Task WatchAsync(string sweep, List<(DateTime At, SweepProgress Progress)> events, CancellationToken cancellation) => Task.Run(async () =>
    {
        await foreach (var progress in Client.WatchAsync(sweep, cancellation))
            lock (events)
                events.Add((DateTime.UtcNow, progress));
    }, cancellation);

    /// <summary>When any of <paramref name="silos"/> first printed a matching line, waiting up to <paramref name="timeout"/>.</summary>
    protected static async Task<DateTime> FirstLineOnAnyAsync(IReadOnlyList<SiloProcess> silos, Func<string, bool> match, TimeSpan timeout)
    {
        DateTime first = default;
        await WaitAsync(() =>
        {
            var seen = silos.Select(s => s.FirstLine(match)).OfType<DateTime>().ToList();
            if (seen.Count > 0)
                first = seen.Min();
            return Task.FromResult(seen.Count > 0);
        }, timeout);
        return first;
    }

    protected async Task<SweepResults> RunToEndAsync(string sweep, TimeSpan timeout)
    {
        await WaitAsync(async () => (await Client.GetStatusAsync(sweep)).IsFinished, timeout);
        return await Client.GetResultsAsync(sweep);
    }

    /// <summary>
    /// Every trial completed once: one result blob, one counted attempt (infrastructure losses do not count), scored on
    /// the spec's observation [1].
    /// </summary>
    protected async Task AssertExactlyOnceAsync(string sweep, SweepResults results)
    {
        var store = new BlobResultStore(Azurite.Container(_container));
        foreach (var row in results.Trials)
        {
            Assert.Equal(TrialStatus.Completed, row.Status);
            Assert.Single(await store.ListAttemptsAsync(sweep, row.ConfigHash));
            var state = await TrialStateAsync(sweep, row.ConfigHash);
            Assert.Equal(1, state.Attempt - state.AttemptFloor);
            Assert.True(double.IsFinite(row.Metric("c2st")), $"trial {row.ConfigHash} has no C2ST");
            // Scored on the spec's observations, also when the sweep grain was reloaded from storage on another silo.
            Assert.Equal([1], state.Scores.Select(s => s.Observation));
        }
    }

    protected async Task<TrialState> TrialStateAsync(string sweep, string hash) =>
        await Client.Cluster.GetGrain<ISweepGrain>(sweep).GetTrialStateAsync(hash) ?? new TrialState();

    protected static async Task<DateTime> WaitAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (await condition())
                    return DateTime.UtcNow;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // A silo just died or storage is down: ask again.
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"condition not reached within {timeout}");
            await Task.Delay(250);
        }
    }

    public async Task DisposeAsync()
    {
        if (Client is not null)
            await Client.DisposeAsync();
        foreach (var silo in Silos)
        {
            // Shown with a failed test's output: what each silo did last.
            Output.WriteLine($"--- silo {silo.Name}:\n{string.Join('\n', silo.Output.Split('\n').TakeLast(60))}");
            await silo.DisposeAsync();
        }
        await Redis.DisposeAsync();
        await Azurite.DisposeAsync();
        if (_container is not null && Directory.Exists(WorkPath))
            Directory.Delete(WorkPath, recursive: true); // the silos' checkpoints and outputs (tens of MB)
    }
}
