using Orchestrator.Contracts.Specs;
using Orchestrator.Grains.Sweeps;
using Orchestrator.Tests.Specs;
using Orchestrator.Tests.Orchestration;
using Orchestrator.Tests.Workloads;
using Orchestrator.Training.Workloads;

namespace Orchestrator.Tests.Sweeps;

/// <summary>
/// <c>checkpoints: all | last | best-k | none</c>: parsed and validated, hash-neutral when absent, the best-k bookkeeping
/// against a from-scratch ranking, and on a real cluster the store holding exactly what each policy keeps while the
/// workers' folders hold nothing once the items ended.
/// </summary>
public sealed class CheckpointPolicyTests
{
    private const string Base = """
        name: ckpt
        workload: fff-sbi
        fixed: { task: two_moons }
        search: { beta: [5, 25] }
        """;

    [Theory]
    [InlineData("all", CheckpointKeep.All, 0)]
    [InlineData("last", CheckpointKeep.Last, 0)]
    [InlineData("none", CheckpointKeep.None, 0)]
    [InlineData("best-3", CheckpointKeep.Best, 3)]
    public void Each_form_parses(string text, CheckpointKeep keep, int best)
    {
        var spec = SweepSpecParser.Parse($"{Base}\ncheckpoints: {text}\n", BuiltInWorkloads.Registry, "spec.yaml");
        Assert.Equal(new CheckpointPolicy(keep, best), CheckpointPolicy.Of(spec));
        Assert.Contains($"\"checkpoints\":\"{text}\"", spec.ToCanonicalJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("best-0")]
    [InlineData("best-")]
    [InlineData("best-x")]
    [InlineData("best-03")]
    [InlineData("best-100001")]
    [InlineData("some")]
    [InlineData("Last")]
    public void Other_values_are_rejected_naming_the_forms(string text) =>
        SpecValidationTests.AssertRejected($"{Base}\ncheckpoints: {text}\n", "checkpoints", $"all, last, best-k|'{text}'");

    [Fact]
    public void Without_the_key_the_policy_is_last_and_the_hash_is_unchanged()
    {
        var spec = SweepSpecParser.Parse(Base, BuiltInWorkloads.Registry, "spec.yaml");
        Assert.Equal(CheckpointPolicy.Last, CheckpointPolicy.Of(spec));
        Assert.DoesNotContain("checkpoints", spec.ToCanonicalJson(), StringComparison.Ordinal);
        Assert.NotEqual(spec.ContentHash(), SweepSpecParser.Parse($"{Base}\ncheckpoints: last\n", BuiltInWorkloads.Registry, "spec.yaml").ContentHash());
    }

    [Fact]
    public void Best_k_keeps_exactly_the_k_best_over_random_completion_orders_and_after_a_restore()
    {
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var k = random.Next(1, 6);
            var trials = Enumerable.Range(0, random.Next(0, 30))
                .Select(i => (Index: (long)i, Hash: $"{i:x16}", Loss: random.Next(4) == 0 ? double.NaN : random.Next(10) / 2.0))
                .OrderBy(_ => random.Next()).ToList();
            var keeper = new CheckpointKeeper(new CheckpointPolicy(CheckpointKeep.Best, k));
            var deleted = new List<string>();
            foreach (var (index, hash, loss) in trials)
                deleted.AddRange(keeper.Completed(index, hash, loss));
            // From scratch: the k finite losses ranked by (loss, start order).
            var expected = trials.Where(t => double.IsFinite(t.Loss)).OrderBy(t => t.Loss).ThenBy(t => t.Index).Take(k).Select(t => t.Hash).ToList();
            Assert.Equal(expected, keeper.Kept);
            Assert.Equal(trials.Select(t => t.Hash).Except(expected).Order(), deleted.Order()); // each other one deleted once
            var restored = new CheckpointKeeper(new CheckpointPolicy(CheckpointKeep.Best, k));
            restored.Restore(trials);
            Assert.Equal(expected, restored.Kept);
        }
    }

    [Fact]
    public void None_lets_every_completed_checkpoint_go_and_last_and_all_none()
    {
        Assert.Equal(["a"], new CheckpointKeeper(new CheckpointPolicy(CheckpointKeep.None)).Completed(0, "a", 1));
        Assert.Empty(new CheckpointKeeper(CheckpointPolicy.Last).Completed(0, "a", 1));
        Assert.Empty(new CheckpointKeeper(new CheckpointPolicy(CheckpointKeep.All)).Completed(0, "a", double.NaN));
    }

    [Fact]
    public async Task On_a_cluster_the_store_keeps_what_each_policy_says_and_work_folders_are_emptied()
    {
        var store = Directory.CreateTempSubdirectory("orchestrator-test-work-ckpt-").FullName;
        try
        {
            await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store, slotsPerSilo: 2);
            // Three checkpoints per trial (epochs 3, the test cluster checkpoints every epoch); losses fall with lr.
            foreach (var (name, policy, lrs) in new[] { ("best", "best-2", "[0.05, 0.1, 0.2, 0.3, 0.4]"), ("none", "none", "[0.1, 0.2]"), ("all", "all", "[0.1, 0.2]"), ("last", "last", "[0.1]") })
            {
                await cluster.Client.SubmitAsync(SweepSpecParser.Parse($$"""
                    name: {{name}}
                    workload: quadratic
                    fixed: { target: 0.5, epochs: 3 }
                    search: { lr: {{lrs}} }
                    seeds: [2]
                    evaluation: { observations: [1] }
                    checkpoints: {{policy}}
                    """, OrchestratorTestCluster.Workloads));
            }
            var best = await cluster.RunToEndAsync("best", TimeSpan.FromMinutes(3));
            var none = await cluster.RunToEndAsync("none", TimeSpan.FromMinutes(3));
            var all = await cluster.RunToEndAsync("all", TimeSpan.FromMinutes(3));
            var last = await cluster.RunToEndAsync("last", TimeSpan.FromMinutes(3));

            string Trial(string sweep, string hash) => Path.Combine(store, "results", "sweeps", sweep, "trials", hash);
            bool HasCheckpoint(string sweep, string hash) => File.Exists(Path.Combine(Trial(sweep, hash), "checkpoint.bin"));
            Assert.Equal(5, best.Trials.Count);
            var ranked = best.Trials.OrderBy(t => t.Objective).Select(t => t.ConfigHash).ToList();
            Assert.Equal(QuadraticWorkload.ExpectedLoss(0.5, 0.4, 3, 2), best.Trials.Min(t => t.Objective), 12);
            Assert.All(ranked.Take(2), hash => Assert.True(HasCheckpoint("best", hash), $"best trial {hash} lost its checkpoint"));
            Assert.All(ranked.Skip(2), hash => Assert.False(HasCheckpoint("best", hash), $"trial {hash} outside the best 2 kept its checkpoint"));
            Assert.All(none.Trials, t => Assert.False(HasCheckpoint("none", t.ConfigHash)));
            Assert.All(none.Trials, t => Assert.True(File.Exists(Path.Combine(Trial("none", t.ConfigHash), "attempt-1", "result.json"))));
            Assert.All(all.Trials, t => Assert.Equal(["checkpoint-epoch000001.bin", "checkpoint-epoch000002.bin", "checkpoint-epoch000003.bin", "checkpoint.bin"],
                Directory.EnumerateFiles(Trial("all", t.ConfigHash), "checkpoint*").Select(Path.GetFileName).Order(StringComparer.Ordinal)));
            Assert.True(HasCheckpoint("last", last.Trials.Single().ConfigHash));
            Assert.Empty(Directory.EnumerateFiles(Trial("last", last.Trials.Single().ConfigHash), "checkpoint-epoch*"));
            // Every item ended: no slot keeps a trial's folder (checkpoints and outputs went to the store). A slot deletes
            // the folder after its last report and the item's log, so the sweep may finish a moment before the deletion.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (Directory.EnumerateFiles(cluster.WorkPath, "*", SearchOption.AllDirectories).Any() && DateTime.UtcNow < deadline)
                await Task.Delay(100);
            Assert.Empty(Directory.EnumerateFiles(cluster.WorkPath, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }
}
