using System.Text.Json;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Contracts.Workers;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Cluster;

/// <summary>
/// SIGTERM to a real silo process: its running trial is saved on the way out, requeued without costing an attempt and
/// resumed on another silo from that checkpoint, also when that silo held the sweep grain and a client watched; a silo
/// whose Redis is gone still exits promptly.
/// </summary>
public sealed class SiloShutdownTests(ITestOutputHelper output) : ClusterProcessTestBase(output)
{
    private const int Epochs = 40;

    // No periodic checkpoint before the end: what the resumed attempt skips was saved by the shutdown.
    protected override Dictionary<string, string> Settings() => new(base.Settings()) { ["Sweeps:CheckpointEvery"] = "1000" };

    [Fact]
    public async Task SIGTERM_saves_the_running_trial_which_resumes_elsewhere_uncounted_and_a_silo_without_redis_still_exits()
    {
        await StartSilosAsync("e1", "e2");
        // One trial, long enough (40 epochs: ~10 s on a quiet machine) to be stopped mid-training.
        await Client.SubmitAsync(Spec("sigterm", "beta: [5]", seeds: "[1]", epochs: Epochs));
        var (victim, trial, epochsSeen) = await TrainingTrialAsync("sigterm", epochs: 2);
        var events = new List<(DateTime At, SweepProgress Progress)>();
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var watch = WatchAsync("sigterm", events, giveUp.Token);

        var terminatedAt = DateTime.UtcNow;
        victim.Terminate();
        Assert.Equal(0, await victim.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        var exitedAt = DateTime.UtcNow;
        var requeuedAt = await WaitAsync(() =>
        {
            lock (events)
                return Task.FromResult(events.Any(e => e.Progress.Trial == trial && e.Progress.Message.Contains("worker shutting down", StringComparison.Ordinal)));
        }, TimeSpan.FromSeconds(60));
        var resumedAt = await WaitAsync(async () => (await TrialStateAsync("sigterm", trial)).Attempt == 2, TimeSpan.FromSeconds(60));
        Output.WriteLine($"SIGTERM → silo exited {(exitedAt - terminatedAt).TotalSeconds:F1} s, → requeued {(requeuedAt - terminatedAt).TotalSeconds:F1} s, " +
            $"→ leased again on the other silo {(resumedAt - terminatedAt).TotalSeconds:F1} s");

        var results = await RunToEndAsync("sigterm", TimeSpan.FromMinutes(4));
        await AssertExactlyOnceAsync("sigterm", results);
        var epochs = await EpochsByAttemptAsync("sigterm", trial);
        var savedAt = epochs[1].Max();
        Assert.InRange(savedAt, epochsSeen, Epochs - 1); // the last epoch before SIGTERM (or one finished meanwhile)
        Assert.Equal(Enumerable.Range(savedAt + 1, Epochs - savedAt), epochs[2]);
        Assert.Equal(SweepPhase.Completed, results.Status.Phase);
        await watch;

        // Redis gone: the remaining silo cannot tell the membership it leaves, yet it exits promptly.
        var survivor = Silos.Single(s => s != victim);
        await Redis.StopAsync();
        var stoppedAt = DateTime.UtcNow;
        survivor.Terminate();
        var code = await survivor.WaitForExitAsync(TimeSpan.FromSeconds(120));
        var seconds = (DateTime.UtcNow - stoppedAt).TotalSeconds;
        Output.WriteLine($"Redis gone: SIGTERM → exit code {code} after {seconds:F1} s");
        Assert.InRange(seconds, 0, 20);
    }

    [Fact]
    public async Task SIGTERM_of_the_silo_holding_the_sweep_while_a_client_watches_exits_promptly_and_its_trial_resumes_at_once_elsewhere()
    {
        // Alone at submit: the sweep grain activates on h1, whose only worker trains the one trial (long: the test
        // cancels it once it resumed, so no timing here depends on the machine's speed).
        await StartSilosAsync("h1");
        await Client.SubmitAsync(Spec("holder", "beta: [5]", seeds: "[1]", epochs: 2000));
        var (holder, trial, _) = await TrainingTrialAsync("holder", epochs: 2);
        // An idle silo to resume on, and a client that knows both gateways (a client learns them when it connects).
        await StartSilosAsync("h2");
        await ReconnectClientAsync();
        var address = await Client.Cluster.GetGrain<IManagementGrain>(0).GetActivationAddress(Client.Cluster.GetGrain<ISweepGrain>("holder"));
        Assert.Equal(holder.SiloPort, address!.Endpoint.Port);
        var events = new List<(DateTime At, SweepProgress Progress)>();
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var watch = WatchAsync("holder", events, giveUp.Token);
        await WaitAsync(() => Task.FromResult(Watched(events, _ => true)), TimeSpan.FromSeconds(60));

        var terminatedAt = DateTime.UtcNow;
        holder.Terminate();
        Assert.Equal(0, await holder.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        var exitedAt = DateTime.UtcNow;
        var resumedAt = await WaitAsync(async () => (await TrialStateAsync("holder", trial)) is { Attempt: 2, Status: TrialStatus.Running }, TimeSpan.FromSeconds(90));
        Output.WriteLine($"SIGTERM of the sweep's silo (watched) → silo exited {(exitedAt - terminatedAt).TotalSeconds:F1} s, " +
            $"→ resumed on the other silo {(resumedAt - terminatedAt).TotalSeconds:F1} s");

        // The watch ended at once (it no longer holds the stop) and saw the requeue before the sweep moved.
        Assert.InRange((exitedAt - terminatedAt).TotalSeconds, 0, 8);
        Assert.True(Watched(events, p => p.Trial == trial && p.Message.Contains("worker shutting down", StringComparison.Ordinal)));
        // Requeued from its persisted state by the reloaded sweep, not held back as an orphan for a lease (20 s).
        Assert.DoesNotContain("did not report after the sweep moved", Silos.Single(s => s != holder).Output);
        Assert.InRange((resumedAt - terminatedAt).TotalSeconds, 0, 20);
        var state = await TrialStateAsync("holder", trial);
        Assert.Equal(1, state.Attempt - state.AttemptFloor);
        Assert.Equal("h2/cpu0", state.Worker);
        // It resumes from the epoch saved on the way out, and the watch follows the sweep to its new silo.
        var epochs = await WaitForEpochsAsync("holder", trial, attempt: 2);
        Assert.Equal(epochs[1].Max() + 1, epochs[2].Min());
        await WaitAsync(() => Task.FromResult(Watched(events, p => p.Trial == trial && p.Work?.Epoch > epochs[1].Max())), TimeSpan.FromSeconds(60));

        await Client.CancelAsync("holder");
        await watch;
    }

    private static bool Watched(List<(DateTime At, SweepProgress Progress)> events, Func<SweepProgress, bool> match)
    {
        lock (events)
            return events.Any(e => match(e.Progress));
    }

    private async Task<Dictionary<int, List<int>>> WaitForEpochsAsync(string sweep, string trial, int attempt)
    {
        Dictionary<int, List<int>> epochs = [];
        await WaitAsync(async () => (epochs = await EpochsByAttemptAsync(sweep, trial)).ContainsKey(attempt), TimeSpan.FromSeconds(90));
        return epochs;
    }

    /// <summary>Waits until a worker trains a trial of the sweep that has reported <paramref name="epochs"/> epochs.</summary>
    private async Task<(Infrastructure.SiloProcess Silo, string Trial, int Epochs)> TrainingTrialAsync(string sweep, int epochs)
    {
        (Infrastructure.SiloProcess, string, int)? found = null;
        await WaitAsync(async () =>
        {
            foreach (var silo in Silos.Where(s => !s.HasExited))
            {
                var status = await Client.Cluster.GetGrain<IWorkerGrain>($"{silo.Name}/cpu0").GetStatusAsync();
                if (status.CurrentSweep != sweep || status.CurrentTrial is not { } trial)
                    continue;
                var seen = (await EpochsByAttemptAsync(sweep, trial)).GetValueOrDefault(1, []).Count;
                if (seen >= epochs)
                    found = (silo, trial, seen);
            }
            return found is not null;
        }, TimeSpan.FromMinutes(3));
        return found!.Value;
    }

    // The epochs of each attempt, from the metrics lines the workers appended.
    private async Task<Dictionary<int, List<int>>> EpochsByAttemptAsync(string sweep, string trial)
    {
        var lines = await Client.Cluster.GetGrain<ISweepGrain>(sweep).GetTrialMetricsAsync(trial);
        return lines.Select(AttemptAndEpoch).GroupBy(l => l.Attempt, l => l.Epoch).ToDictionary(g => g.Key, g => g.ToList());
    }

    private static (int Attempt, int Epoch) AttemptAndEpoch(string line)
    {
        using var json = JsonDocument.Parse(line);
        return (json.RootElement.GetProperty("attempt").GetInt32(), json.RootElement.GetProperty("epoch").GetInt32());
    }
}
