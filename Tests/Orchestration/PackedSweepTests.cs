using System.IO.Compression;
using System.Globalization;
using System.Text.Json;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Storage;
using Orchestrator.Workloads;

namespace Orchestrator.Tests.Orchestration;

/// <summary>
/// Trial packing through the orchestrator: a sweep with <c>resources.pack</c> leases its same-shape trials to one worker
/// slot as one pack (one TrainPack request, one fused model), and every member ends with the result, the per-epoch
/// metrics and the stored outputs its trial has in the same sweep unpacked (CPU, same seeds) — the check that makes
/// packed sweeps trustworthy.
/// </summary>
public sealed class PackedSweepTests : IDisposable
{
    private readonly string _store = Directory.CreateTempSubdirectory("orchestrator-test-work-pack-").FullName;

    public void Dispose() => Directory.Delete(_store, recursive: true);

    [Fact]
    public async Task A_packed_sweep_gives_every_trial_the_result_of_the_same_sweep_unpacked()
    {
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = _store);
        var results = new LocalDirectoryResultStore(Path.Combine(_store, "results"));
        var unpacked = OrchestratorTestCluster.TinySpec("unpacked", epochs: 3);
        var packed = OrchestratorTestCluster.TinySpec("packed", epochs: 3) with { Resources = new ResourceSpec { Pack = 4 } };

        await cluster.Client.SubmitAsync(unpacked);
        var alone = await cluster.RunToEndAsync("unpacked", TimeSpan.FromMinutes(5));
        await cluster.Client.SubmitAsync(packed);
        var together = await cluster.RunToEndAsync("packed", TimeSpan.FromMinutes(5));

        Assert.Equal(SweepPhase.Completed, together.Status.Phase);
        Assert.Equal(4, together.Trials.Count);
        Assert.Equal(alone.Trials.Select(t => t.ConfigHash).Order(), together.Trials.Select(t => t.ConfigHash).Order());
        foreach (var trial in together.Trials)
        {
            var reference = alone.Trials.Single(t => t.ConfigHash == trial.ConfigHash);
            Assert.Equal(TrialStatus.Completed, trial.Status);
            Assert.Equal(1, trial.Attempt);
            // The members trained side by side in one pack (each member's log says so), not one after another.
            var log = await AttemptLogAsync(cluster, "packed", trial.ConfigHash);
            Assert.Contains(log, l => l.Contains("in a pack", StringComparison.Ordinal));
            Assert.DoesNotContain(await AttemptLogAsync(cluster, "unpacked", trial.ConfigHash), l => l.Contains("in a pack", StringComparison.Ordinal));
            // Float32 rounding of the batched products is all that differs (PackedTrainingEquivalenceTests: weights within 2e-7).
            AssertClose(reference.Metric("valNll"), trial.Metric("valNll"), 1e-5, $"{trial.ConfigHash} final val NLL");
            AssertClose(reference.Metric("valNllEncoder"), trial.Metric("valNllEncoder"), 1e-5, $"{trial.ConfigHash} final val NLL (encoder)");
            var epochs = await EpochMetricsAsync(cluster, "unpacked", trial.ConfigHash);
            var packedEpochs = await EpochMetricsAsync(cluster, "packed", trial.ConfigHash);
            Assert.Equal(3, packedEpochs.Count);
            Assert.Equal(epochs.Count, packedEpochs.Count);
            for (var e = 0; e < epochs.Count; e++)
            {
                AssertClose(epochs[e].Loss, packedEpochs[e].Loss, 1e-5, $"{trial.ConfigHash} epoch {e + 1} training loss");
                AssertClose(epochs[e].ValNll, packedEpochs[e].ValNll, 1e-5, $"{trial.ConfigHash} epoch {e + 1} val NLL");
            }
            // Measured: samples within 8e-8 (the csv's precision), val NLL within 3e-7 relative.
            var samples = await SamplesAsync(results, "unpacked", trial.ConfigHash);
            var packedSamples = await SamplesAsync(results, "packed", trial.ConfigHash);
            Assert.Equal(samples.Count, packedSamples.Count);
            var worst = samples.Zip(packedSamples, (a, b) => Math.Abs(a - b) / Math.Max(1, Math.Abs(a))).Max();
            Assert.True(worst <= 1e-5, $"{trial.ConfigHash}: posterior samples differ by up to {worst} (relative) packed vs alone");
            // C2ST trains a classifier on the posterior samples: same samples up to rounding, so the same score to its noise.
            Assert.InRange(trial.Metric("c2st") - reference.Metric("c2st"), -0.01, 0.01);
        }
    }

    [Fact]
    public async Task Packs_hold_trials_of_one_shape_up_to_the_pack_size_in_the_sweeps_order()
    {
        // No worker slots: the test leases itself. architecture changes shapes and turns slowest (6 trials each).
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = _store, slotsPerSilo: 0);
        var spec = OrchestratorTestCluster.TinySpec("shapes", search: "architecture: [reference, resnet-s]\n  beta: [1, 5, 25]")
            with { Resources = new ResourceSpec { Pack = 4 } };
        await cluster.Client.SubmitAsync(spec);
        var sweep = cluster.Grains.GetGrain<ISweepGrain>("shapes");

        var packs = new List<IReadOnlyList<WorkItem>>();
        while (await sweep.LeasePackAsync("test/cpu0", "cpu", 1, 0) is { Count: > 0 } pack)
            packs.Add(pack);

        Assert.Equal([4, 2, 4, 2], packs.Select(p => p.Count));
        Assert.All(packs, p => Assert.Single(p.Select(i => i.Trial.Parameters["architecture"].ToString()).Distinct()));
        Assert.Equal(Enumerable.Range(0, 12), packs.SelectMany(p => p).Select(i => i.Trial.Index));
        Assert.Equal(12, packs.SelectMany(p => p).Select(i => i.LeaseId).Distinct().Count()); // each member its own lease
        Assert.Equal(12, (await cluster.Client.GetStatusAsync("shapes")).Running);

        // pack: auto through the scheduler spreads a small sweep over the free slots: 12 trials, a silo of 2 slots. cpu0
        // asks first (cpu1 has not asked yet: free) and takes 6; cpu1, now the only free slot, takes the other 6.
        // ResNet-S: overhead-bound, so the time rule would allow 17 members at batch 64.
        await cluster.Client.SubmitAsync(OrchestratorTestCluster.TinySpec("auto", ", architecture: resnet-s", search: "beta: [1, 5, 25]", seeds: "[1, 2, 3, 4]")
            with { Resources = new ResourceSpec { Pack = ResourceSpec.PackAuto } });
        var scheduler = cluster.Grains.GetGrain<ISchedulerGrain>(SchedulerKey.Default);
        Assert.Equal(6, (await scheduler.LeasePackAsync("test/cpu0", "cpu", 8L << 30, 2)).Count);
        Assert.Equal(6, (await scheduler.LeasePackAsync("test/cpu1", "cpu", 8L << 30, 2)).Count);
        Assert.Empty(await scheduler.LeasePackAsync("test/cpu0", "cpu", 8L << 30, 2));
        await cluster.Client.CancelAsync("auto");

        // ... and fits packs in half the slot's memory: room for 4 members' footprints makes packs of 2.
        await cluster.Client.SubmitAsync(OrchestratorTestCluster.TinySpec("tight", ", architecture: resnet-s") with { Resources = new ResourceSpec { Pack = ResourceSpec.PackAuto } });
        var member = Packing.PackFootprintTests.Footprint(("task", ParamValue.Of("two_moons")), ("architecture", ParamValue.Of("resnet-s")), ("batchSize", ParamValue.Of(64)));
        Assert.Equal(2, (await scheduler.LeasePackAsync("test/cpu0", "cpu", 4 * member.Bytes, 1)).Count);
        Assert.Equal(2, (await scheduler.LeasePackAsync("test/cpu0", "cpu", 4 * member.Bytes, 1)).Count);
    }

    [Fact]
    public async Task Resumed_trials_pack_again()
    {
        // Resumed (and after a restart, pending) trials are requeued by index only, their configuration looked up when
        // leased; a grid gives it at once, so they join packs instead of running alone.
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = _store, slotsPerSilo: 0);
        await cluster.Client.SubmitAsync(OrchestratorTestCluster.TinySpec("resumed") with { Resources = new ResourceSpec { Pack = 4 } });
        var sweep = cluster.Grains.GetGrain<ISweepGrain>("resumed");
        Assert.Equal(4, (await sweep.LeasePackAsync("test/cpu0", "cpu", 1, 0)).Count);
        Assert.Equal(4, (await cluster.Client.CancelAsync("resumed")).Cancelled);

        await cluster.Client.ResumeAsync("resumed");
        var pack = await sweep.LeasePackAsync("test/cpu0", "cpu", 1, 0);
        Assert.Equal([0, 1, 2, 3], pack.Select(i => (int)i.Trial.Index));
        Assert.All(pack, i => Assert.Equal(2, i.Attempt));
    }

    [Fact]
    public async Task Early_stopping_stops_members_of_a_pack_alone_with_the_decisions_and_metrics_of_the_unpacked_sweep()
    {
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = _store);
        // One slot: unpacked, the trials run one after another and reach each rung in index order; packed, the members
        // reach it in the same order within one step (their reports are sent in member order), so ASHA sees the same
        // sequence of values and must decide the same. lr 1e-7 barely moves: it cannot rank first at rung 1.
        const string Spec = """
            workload: fff-sbi
            fixed: { task: two_moons, budget: 300, epochs: 4, batchSize: 32, posteriorSamples: 500 }
            search: { lr: [3e-3, 1e-3, 1e-7, 1e-4] }
            seeds: [1]
            evaluation: { observations: [1] }
            objective: { metric: valNll }
            scheduler: { kind: asha, minEpochs: 1, eta: 2 }
            """;
        await cluster.Client.SubmitAsync(SweepSpecParser.Parse("name: asha-alone\n" + Spec, OrchestratorTestCluster.Workloads));
        var alone = await cluster.RunToEndAsync("asha-alone", TimeSpan.FromMinutes(5));
        await cluster.Client.SubmitAsync(SweepSpecParser.Parse("name: asha-packed\nresources: { pack: 4 }\n" + Spec, OrchestratorTestCluster.Workloads));
        var packed = await cluster.RunToEndAsync("asha-packed", TimeSpan.FromMinutes(5));

        Assert.Contains(packed.Trials, t => t.Status == TrialStatus.Stopped);
        Assert.Contains(packed.Trials, t => t.Status == TrialStatus.Completed);
        foreach (var trial in packed.Trials)
        {
            var reference = alone.Trials.Single(t => t.ConfigHash == trial.ConfigHash);
            Assert.Equal((reference.Status, Decision(reference.Reason)), (trial.Status, Decision(trial.Reason)));
            Assert.Contains(await AttemptLogAsync(cluster, "asha-packed", trial.ConfigHash), l => l.Contains("in a pack", StringComparison.Ordinal));
            // A stopped member keeps the metrics of the epoch it was judged on (its per-epoch training loss; the final
            // val NLL is not a per-epoch metric); the others end as they do alone.
            var metric = trial.Status == TrialStatus.Stopped ? "trainLoss" : "valNll";
            AssertClose(reference.Metric(metric), trial.Metric(metric), 1e-5, $"{trial.ConfigHash} ({trial.Status}) {metric}");
        }
    }

    // "stopped at epoch 1 (values): asha: rung 1 ranks 2 of 2, …" without the values, which it quotes to 4 digits: the
    // packed and unpacked values agree to ~1e-7, not always in their 4th printed digit.
    private static string Decision(string? reason)
    {
        if (reason is null || reason.IndexOf(" (", StringComparison.Ordinal) is not (> 0 and var open) || reason.LastIndexOf("): ", StringComparison.Ordinal) is not (> 0 and var close))
            return reason ?? "";
        return reason[..open] + reason[(close + 1)..];
    }

    // A trial's log is stored by its worker just after the attempt's report, so it may land after the sweep ends: wait for it.
    private static async Task<IReadOnlyList<string>> AttemptLogAsync(OrchestratorTestCluster cluster, string sweep, string trial)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            var log = await cluster.Client.GetTrialLogAsync(sweep, trial);
            if (log.Any(l => l.Contains("ended ", StringComparison.Ordinal)) || DateTime.UtcNow > deadline)
                return log;
            await Task.Delay(100);
        }
    }

    private static void AssertClose(double expected, double actual, double relative, string what) =>
        Assert.True(double.IsFinite(expected) && Math.Abs(expected - actual) <= relative * Math.Max(1, Math.Abs(expected)),
            $"{what}: {actual} packed vs {expected} alone");

    // Every number of the trial's stored posterior samples of observation 1 (csv.gz), in file order.
    private static async Task<List<double>> SamplesAsync(LocalDirectoryResultStore store, string sweep, string trial)
    {
        await using var stored = await store.OpenSamplesAsync(sweep, trial, 1) ?? throw new InvalidOperationException($"{sweep}/{trial}: no samples stored");
        using var reader = new StreamReader(new GZipStream(stored, CompressionMode.Decompress));
        var text = await reader.ReadToEndAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .SelectMany(line => line.Split(',')).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
    }

    // The trial's stored per-epoch metrics (metrics.jsonl): training loss and validation NLL by epoch.
    private static async Task<List<(double Loss, double ValNll)>> EpochMetricsAsync(OrchestratorTestCluster cluster, string sweep, string trial)
    {
        var lines = await cluster.Client.GetTrialMetricsAsync(sweep, trial);
        return [.. lines.Select(line => JsonDocument.Parse(line).RootElement)
            .Select(row => (row.GetProperty("trainLoss").GetDouble(), row.GetProperty("valNll").GetDouble()))];
    }
}
