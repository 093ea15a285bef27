using System.Text.Json;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Workers;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Cluster;

/// <summary>
/// SIGTERM to a real silo process: its running trial is saved on the way out, requeued without costing an attempt and
/// resumed on another silo from that checkpoint; a silo whose Redis is gone still exits promptly.
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
