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
/// Real silo processes on Redis membership and Azurite (everything on loopback): <c>kill -9</c> of a silo running
/// trials, of the silo holding the sweep grain, and a storage outage; the sweep must complete with exactly one result
/// per trial and no attempt counted against a trial for the infrastructure's faults.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(ClusterProcessCollection.Name)]
public sealed class ClusterProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Generous: on a machine loaded ~15× over its cores, silos took over 90 s to join (nothing waits when they are quick).
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);
    private readonly AzuriteFixture _azurite = new();
    private readonly List<SiloProcess> _silos = [];
    private RedisServer _redis = null!;
    private OrchestratorClient _client = null!;
    private string _container = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _redis = await RedisServer.StartAsync();
        _container = AzuriteFixture.NewContainerName("cluster");
    }

    [Fact]
    public async Task Kill_9_of_a_silo_running_a_trial_loses_nothing_and_the_resumed_trial_trains_as_an_undisturbed_one()
    {
        await StartSilosAsync("a1", "a2", "a3");
        var spec = Spec("killed", "beta: [1, 5, 25]");
        await _client.SubmitAsync(spec);

        // A silo whose worker runs a trial that already saved a checkpoint: kill -9 it.
        var (victim, trial) = await RunningTrialWithCheckpointAsync("killed", _silos);
        var before = await Trial("killed", trial).GetAsync();
        var events = new List<(DateTime At, SweepProgress Progress)>();
        using var watching = new CancellationTokenSource();
        var watch = Task.Run(async () =>
        {
            await foreach (var progress in _client.WatchAsync("killed", watching.Token))
                lock (events)
                    events.Add((DateTime.UtcNow, progress));
        });
        var killedAt = DateTime.UtcNow;
        victim.KillHard();

        // Detection is the cluster's: whichever survivor evicts the dead silo or requeues its work logs it first.
        var survivors = _silos.Where(s => s != victim).ToList();
        bool Detection(string l) => l.Contains("Evicting", StringComparison.Ordinal) && l.Contains($":{victim.SiloPort}", StringComparison.Ordinal)
            || l.Contains($"silo of worker {victim.Name}/", StringComparison.Ordinal);
        DateTime detectedAt = default;
        await WaitAsync(() =>
        {
            var seen = survivors.Select(s => s.FirstLine(Detection)).Where(at => at is not null).Select(at => at!.Value).ToList();
            if (seen.Count > 0)
                detectedAt = seen.Min();
            return Task.FromResult(seen.Count > 0);
        }, TimeSpan.FromSeconds(60));
        var requeuedAt = await WaitAsync(() =>
        {
            lock (events)
                return Task.FromResult(events.Any(e => e.At > killedAt && e.Progress.Trial == trial && e.Progress.Message.StartsWith("requeued", StringComparison.Ordinal)));
        }, TimeSpan.FromSeconds(90));
        var leasedAgainAt = await WaitAsync(async () => (await Trial("killed", trial).GetAsync()).Attempt > before.Attempt, TimeSpan.FromSeconds(120));
        output.WriteLine($"kill -9 → detection {(detectedAt - killedAt).TotalSeconds:F1} s, → requeued {(requeuedAt - killedAt).TotalSeconds:F1} s, " +
            $"→ leased again (when a worker was free) {(leasedAgainAt - killedAt).TotalSeconds:F1} s");

        var results = await RunToEndAsync("killed", TimeSpan.FromMinutes(4));
        await watching.CancelAsync();
        await watch.ContinueWith(_ => { }, TaskScheduler.Default); // ends cancelled
        await AssertExactlyOnceAsync("killed", results);
        var resumed = results.Trials.Single(t => t.ConfigHash == trial);
        Assert.True(resumed.Attempt > before.Attempt);

        // The same configuration undisturbed (another sweep, same seed): resuming from the checkpoint changed nothing.
        var reference = Spec("undisturbed", $"beta: [{resumed.Parameters["beta"]}]", seeds: $"[{resumed.Seed}]");
        await _client.SubmitAsync(reference);
        var undisturbed = Assert.Single((await RunToEndAsync("undisturbed", TimeSpan.FromMinutes(2))).Trials);
        output.WriteLine($"resumed: val NLL {resumed.Metric("valNll"):R} C2ST {resumed.Objective:R}; undisturbed: val NLL {undisturbed.Metric("valNll"):R} C2ST {undisturbed.Objective:R}");
        // Bit-identical: training resumed from the checkpoint, and evaluation of the same observations with the same seeds.
        Assert.Equal(undisturbed.Metric("valNll"), resumed.Metric("valNll"));
        Assert.Equal(undisturbed.Metric("c2st"), resumed.Metric("c2st"));
    }

    [Fact]
    public async Task Loss_of_the_sweep_silo_and_a_60_s_storage_outage_cost_no_attempts()
    {
        await StartSilosAsync("b1", "b2", "b3");
        await _client.SubmitAsync(Spec("outage", "beta: [1, 5, 25]"));
        await RunningTrialWithCheckpointAsync("outage", _silos);

        // kill -9 the silo that holds the sweep grain (with its queue and leases in memory).
        var address = await _client.Cluster.GetGrain<IManagementGrain>(0).GetActivationAddress(_client.Cluster.GetGrain<ISweepGrain>("outage"));
        var holder = _silos.Single(s => s.SiloPort == address!.Endpoint.Port);
        holder.KillHard();
        output.WriteLine($"killed {holder.Name}, which held the sweep grain");

        // Then storage goes away for 60 s while trials run.
        await Task.Delay(TimeSpan.FromSeconds(5));
        _azurite.Stop();
        await Task.Delay(TimeSpan.FromSeconds(60));
        await _azurite.RestartAsync();

        var results = await RunToEndAsync("outage", TimeSpan.FromMinutes(5));
        await AssertExactlyOnceAsync("outage", results);
    }

    [Fact]
    public async Task A_second_silo_with_a_taken_name_or_port_exits_with_one_clear_line()
    {
        await StartSilosAsync("c1");
        var first = _silos[0];

        await using var sameName = SiloProcess.Start("c1", Settings());
        Assert.Equal(2, await sameName.WaitForExitAsync(StartTimeout));
        Assert.Contains("error: silo 'c1' stopped: the silo name 'c1' is taken by the active silo at", sameName.Output);

        await using var samePort = SiloProcess.Start("c2", Settings(), siloPort: first.SiloPort);
        Assert.Equal(2, await samePort.WaitForExitAsync(StartTimeout));
        Assert.Contains($"error: the silo port 127.0.0.1:{first.SiloPort} is taken", samePort.Output);
        Assert.DoesNotContain("   at ", samePort.Output);

        // The first silo still serves.
        Assert.False(first.HasExited);
        Assert.Empty(await _client.ListAsync());
    }

    private async Task StartSilosAsync(params string[] names)
    {
        _silos.AddRange(names.Select(n => SiloProcess.Start(n, Settings())));
        await Task.WhenAll(_silos.Select(s => s.WaitUntilReadyAsync(StartTimeout)));
        _client = await OrchestratorClient.ConnectAsync(new ClientConnectionOptions { Clustering = "redis", RedisConnection = _redis.Connection, ConnectTimeout = StartTimeout });
    }

    private string WorkPath => Path.Combine(Path.GetTempPath(), "orchestrator-cluster-tests", _container);

    private Dictionary<string, string> Settings() => new()
    {
        ["Clustering"] = "redis",
        ["RedisConnection"] = _redis.Connection,
        ["Storage"] = "Azure",
        ["ConnectionString"] = _azurite.ConnectionString,
        ["Container"] = _container,
        ["CpuSlots"] = "1",
        ["CudaSlots"] = "0",
        ["WorkPath"] = WorkPath,
        ["Sweeps:LeaseDuration"] = "00:00:20",
        ["Sweeps:CheckpointEvery"] = "1",
        ["Telemetry:PrometheusPort"] = "0", // several silos on one machine: no fixed metrics port
    };

    /// <summary>Small real trials that last long enough (a few seconds each) to be killed mid-training.</summary>
    private static SweepSpec Spec(string name, string search, string seeds = "[1, 2]") => SweepSpecParser.Parse($$"""
        name: {{name}}
        workload: fff-sbi
        fixed: { task: two_moons, budget: 400, epochs: 16, batchSize: 32, posteriorSamples: 500 }
        search:
          {{search}}
        seeds: {{seeds}}
        evaluation: { observations: [1] }
        """, BuiltInWorkloads.Registry, "spec.yaml");

    /// <summary>Waits for a trial that runs on a live silo and has a checkpoint; returns that silo and the trial.</summary>
    private async Task<(SiloProcess Silo, string Trial)> RunningTrialWithCheckpointAsync(string sweep, IEnumerable<SiloProcess> silos)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var silo in silos.Where(s => !s.HasExited))
            {
                var status = await _client.Cluster.GetGrain<IWorkerGrain>($"{silo.Name}/cpu0").GetStatusAsync();
                if (status.CurrentSweep == sweep && status.CurrentTrial is { } trial && (await Trial(sweep, trial).GetAsync()).CheckpointEpoch >= 2)
                    return (silo, trial);
            }
            await Task.Delay(200);
        }
        var tails = string.Join("\n", _silos.Select(s => $"--- {s.Name}:\n{string.Join('\n', s.Output.Split('\n').TakeLast(15))}"));
        throw new TimeoutException($"no trial with a checkpoint was running; the silos' last lines:\n{tails}");
    }

    private async Task<SweepResults> RunToEndAsync(string sweep, TimeSpan timeout)
    {
        await WaitAsync(async () => (await _client.GetStatusAsync(sweep)).IsFinished, timeout);
        return await _client.GetResultsAsync(sweep);
    }

    /// <summary>Every trial completed once: one result blob, one counted attempt (infrastructure losses do not count).</summary>
    private async Task AssertExactlyOnceAsync(string sweep, SweepResults results)
    {
        var store = new BlobResultStore(_azurite.Container(_container));
        foreach (var row in results.Trials)
        {
            Assert.Equal(TrialStatus.Completed, row.Status);
            Assert.Single(await store.ListAttemptsAsync(sweep, row.ConfigHash));
            var state = await Trial(sweep, row.ConfigHash).GetAsync();
            Assert.Equal(1, state.Attempt - state.AttemptFloor);
            Assert.True(double.IsFinite(row.Metric("c2st")), $"trial {row.ConfigHash} has no C2ST");
            // Scored on the spec's observations, also when the sweep grain was reloaded from storage on another silo.
            Assert.Equal([1], state.Scores.Select(s => s.Observation));
        }
    }

    private ITrialGrain Trial(string sweep, string hash) => _client.Cluster.GetGrain<ITrialGrain>($"{sweep}/{hash}");

    private static async Task<DateTime> WaitAsync(Func<Task<bool>> condition, TimeSpan timeout)
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
        if (_client is not null)
            await _client.DisposeAsync();
        foreach (var silo in _silos)
        {
            // Shown with a failed test's output: what each silo did last.
            output.WriteLine($"--- silo {silo.Name}:\n{string.Join('\n', silo.Output.Split('\n').TakeLast(60))}");
            await silo.DisposeAsync();
        }
        await _redis.DisposeAsync();
        await _azurite.DisposeAsync();
        if (_container is not null && Directory.Exists(WorkPath))
            Directory.Delete(WorkPath, recursive: true); // the silos' checkpoints and outputs (tens of MB)
    }
}
