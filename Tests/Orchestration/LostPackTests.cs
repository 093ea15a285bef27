using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Contracts.Workers;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Orchestration;

/// <summary>
/// A pack whose trial host dies (SIGKILL mid-training) is lost as a whole: every member is requeued, packs again and
/// resumes from its own last checkpoint, and ends with exactly one result — the one the undisturbed pack gives it.
/// </summary>
public sealed class LostPackTests(ITestOutputHelper output) : IDisposable
{
    private const int Epochs = 24; // long enough that the kill lands mid-training however fast the machine: members checkpoint every epoch
    private readonly string _store = Directory.CreateTempSubdirectory("orchestrator-test-work-lost-pack-").FullName;

    public void Dispose() => Directory.Delete(_store, recursive: true);

    [Fact]
    public async Task A_pack_whose_trial_host_is_killed_resumes_every_member_from_its_checkpoint_with_the_undisturbed_result()
    {
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = _store);
        var packed = new ResourceSpec { Pack = 4 };
        await cluster.Client.SubmitAsync(OrchestratorTestCluster.TinySpec("undisturbed", epochs: Epochs) with { Resources = packed });
        var undisturbed = await cluster.RunToEndAsync("undisturbed", TimeSpan.FromMinutes(5));
        Assert.All(undisturbed.Trials, t => Assert.Equal((TrialStatus.Completed, 1), (t.Status, t.Attempt)));

        await cluster.Client.SubmitAsync(OrchestratorTestCluster.TinySpec("killed", epochs: Epochs) with { Resources = packed });
        var hashes = undisturbed.Trials.Select(t => t.ConfigHash).ToList();
        var host = await HostOfPackWithCheckpointsAsync(cluster, "killed", hashes);
        using (var child = Process.GetProcessById(host))
            child.Kill(); // SIGKILL: the whole pack is lost at once
        var killed = await cluster.RunToEndAsync("killed", TimeSpan.FromMinutes(5));

        Assert.Equal(SweepPhase.Completed, killed.Status.Phase);
        Assert.Equal(hashes.Order(), killed.Trials.Select(t => t.ConfigHash).Order()); // one result per member
        foreach (var trial in killed.Trials)
        {
            var reference = undisturbed.Trials.Single(t => t.ConfigHash == trial.ConfigHash);
            Assert.Equal((TrialStatus.Completed, 2), (trial.Status, trial.Attempt));
            // Attempt 2 trained in a pack again, from the member's own last checkpoint: it starts after epoch 1 and
            // leaves no epoch out (the last reported epoch may be trained again when the kill came before its checkpoint).
            Assert.Contains(await AttemptLogAsync(cluster, "killed", trial.ConfigHash, attempt: 2), l => l.Contains("in a pack", StringComparison.Ordinal));
            var rows = await EpochRowsAsync(cluster, "killed", trial.ConfigHash);
            var lastBefore = rows.Where(r => r.Attempt == 1).Max(r => r.Epoch);
            var resumedAt = rows.Where(r => r.Attempt == 2).Min(r => r.Epoch);
            output.WriteLine($"{trial.ConfigHash}: attempt 1 reported epochs 1-{lastBefore}, attempt 2 resumed at epoch {resumedAt}; " +
                $"val NLL {trial.Metric("valNll"):R} vs {reference.Metric("valNll"):R} undisturbed");
            Assert.InRange(resumedAt, 2, lastBefore + 1);
            Assert.Equal(Enumerable.Range(resumedAt, Epochs - resumedAt + 1), rows.Where(r => r.Attempt == 2).Select(r => r.Epoch));
            // The resumed trajectory is the undisturbed one, bit for bit (a checkpoint holds the weights, Adam's moments and
            // the member's generator; the pack is the same): per epoch and at the end.
            var undisturbedRows = (await EpochRowsAsync(cluster, "undisturbed", trial.ConfigHash)).ToDictionary(r => r.Epoch);
            Assert.All(rows.Where(r => r.Attempt == 2), row => Assert.Equal(undisturbedRows[row.Epoch].Loss, row.Loss));
            foreach (var metric in new[] { "valNll", "valNllEncoder", "valReconstruction", "c2st" })
                Assert.Equal(reference.Metric(metric), trial.Metric(metric));
        }
    }

    // The pid of the trial host that trains the sweep's pack once every member has a recorded checkpoint (still mid-training).
    private static async Task<int> HostOfPackWithCheckpointsAsync(OrchestratorTestCluster cluster, string sweep, IReadOnlyList<string> members)
    {
        var worker = cluster.Grains.GetGrain<IWorkerGrain>($"{cluster.Cluster.Silos[0].Name}/cpu0");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        var seen = "";
        while (DateTime.UtcNow < deadline)
        {
            var status = await worker.GetStatusAsync();
            var states = await Task.WhenAll(members.Select(m => cluster.Grains.GetGrain<ISweepGrain>(sweep).GetTrialStateAsync(m)));
            seen = $"worker {status}; trials " + string.Join(", ", states.Select(s => s is null ? "not started" : $"{s.Status} attempt {s.Attempt} checkpoint {s.CheckpointEpoch}"));
            if (status is { CurrentSweep: var current, HostPid: { } pid } && current == sweep
                && states.All(s => s is { Status: TrialStatus.Running, Attempt: 1, CheckpointEpoch: >= 1 }))
                return pid;
            if (states.Any(s => s is { Status: not TrialStatus.Running and not TrialStatus.Pending }))
                throw new Xunit.Sdk.XunitException($"{sweep}: a member ended before its pack could be killed: {seen}");
            await Task.Delay(50);
        }
        throw new TimeoutException($"{sweep}: no pack with a checkpoint of every member was running; last seen: {seen}; {await cluster.Client.GetStatusAsync(sweep)}");
    }

    // The worker stores an attempt's log just after its report: wait for that attempt's end line.
    private static async Task<IReadOnlyList<string>> AttemptLogAsync(OrchestratorTestCluster cluster, string sweep, string trial, int attempt)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            var log = await cluster.Client.GetTrialLogAsync(sweep, trial);
            if (log.Count(l => l.Contains("ended ", StringComparison.Ordinal)) >= attempt || DateTime.UtcNow > deadline)
                return log;
            await Task.Delay(100);
        }
    }

    private static async Task<List<(int Attempt, int Epoch, double Loss)>> EpochRowsAsync(OrchestratorTestCluster cluster, string sweep, string trial) =>
        [.. (await cluster.Client.GetTrialMetricsAsync(sweep, trial)).Select(line => JsonDocument.Parse(line).RootElement)
            .Select(row => (row.GetProperty("attempt").GetInt32(), row.GetProperty("epoch").GetInt32(), row.GetProperty("trainLoss").GetDouble()))];
}
