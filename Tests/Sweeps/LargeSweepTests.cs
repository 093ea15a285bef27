using System.Diagnostics;
using Orchestrator.Client.Cli;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Tests.Orchestration;
using Orchestrator.Training.Workloads;

namespace Orchestrator.Tests.Sweeps;

/// <summary>
/// A 10⁵-trial sweep on a real test cluster, worked by no-op workers: submit, ls, results --top 20, cancel and resume
/// each answer far inside the 30 s call timeout; a restarted cluster reloads it from its ledger (only started trials
/// have a state at all) and never reruns a completed trial.
/// </summary>
public sealed class LargeSweepTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_hundred_thousand_trial_sweep_submits_lists_ranks_cancels_resumes_and_restarts_quickly()
    {
        var store = Directory.CreateTempSubdirectory("orchestrator-large-").FullName;
        try
        {
            var spec = SweepSpecParser.Parse("""
                name: large
                workload: fff-sbi
                fixed: { task: two_moons, budget: 200 }
                search:
                  beta: { uniform: [0, 100], count: 1000 }
                  lr: { loguniform: [1e-5, 1e-2], count: 100 }
                evaluation: { observations: [1] }
                """, BuiltInWorkloads.Registry, "large.yaml");
            HashSet<string> completed;
            await using (var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store, slotsPerSilo: 0))
            {
                var submitted = await Timed(() => cluster.Client.SubmitAsync(spec));
                Assert.Equal((100_000, 100_000), (submitted.Total, submitted.Pending));

                var run = await NoopWorkers.RunAsync(cluster.Grains, slots: 4, trials: 300, TimeSpan.Zero);
                Assert.Equal(300, run.Completed);
                var held = await cluster.Grains.GetGrain<ISchedulerGrain>(SchedulerKey.Default).LeaseAsync("noop/cpu9", "cpu");
                Assert.NotNull(held);

                var listed = Assert.Single(await Timed(() => cluster.Client.ListAsync()));
                Assert.Equal((300, 1, 100_000 - 301), (listed.Completed, listed.Running, listed.Pending));
                var top = await Timed(() => cluster.Client.GetResultsPageAsync("large", new ResultsQuery(20)));
                Assert.Equal(20, top.Trials.Count);
                Assert.Equal(301, top.Matching);
                var all = await cluster.Client.ExportAsync("large", TrialStatus.Completed).ToListAsync();
                completed = [.. all.Select(t => t.ConfigHash)];
                Assert.Equal(300, completed.Count);
                Assert.Equal(all.Select(t => NoopWorkers.C2stOf(t.ConfigHash)).Order().Take(20), top.Trials.Select(t => t.Objective));
                Assert.Equal(top.Trials[0].Objective, top.Groups[0].Mean); // one seed: each group is one trial

                var cancelled = await Timed(() => cluster.Client.CancelAsync("large"));
                Assert.Equal((SweepPhase.Cancelled, 300, 100_000 - 300), (cancelled.Phase, cancelled.Completed, cancelled.Cancelled));
                var resumed = await Timed(() => cluster.Client.ResumeAsync("large"));
                Assert.Equal((SweepPhase.Running, 100_000 - 300), (resumed.Phase, resumed.Pending));
            } // the silo stops mid-sweep

            // Nothing exists per trial that never started, and no file per trial that did: the 301 started trials' states
            // are records in the sweep's state log (a start and an end each, well under 1 KB apiece), not trial grains.
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(store, "grains"), "trial-*"));
            var stateLog = new DirectoryInfo(Path.Combine(store, "results", "sweeps", "large", "states")).EnumerateFiles().Sum(f => f.Length);
            Assert.InRange(stateLog, 301 * 2 * 100, 301 * 2 * 1024);
            await using (var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store, slotsPerSilo: 0))
            {
                var reloaded = await Timed(() => cluster.Client.GetStatusAsync("large"));
                Assert.Equal((SweepPhase.Running, 300, 100_000 - 300), (reloaded.Phase, reloaded.Completed, reloaded.Pending));
                var run = await NoopWorkers.RunAsync(cluster.Grains, slots: 2, trials: 50, TimeSpan.Zero);
                Assert.Equal(50, run.Completed);
                var after = await cluster.Client.ExportAsync("large", TrialStatus.Completed).ToListAsync();
                Assert.Equal(350, after.Count);
                Assert.All(after.Where(t => completed.Contains(t.ConfigHash)), t => Assert.Equal(1, t.Attempt));
                Assert.Equal(350, after.Select(t => t.ConfigHash).Distinct().Count());
            }
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    /// <summary>Runs a client call and asserts it answered well inside the call timeout.</summary>
    private static async Task<T> Timed<T>(Func<Task<T>> call)
    {
        var clock = Stopwatch.StartNew();
        var result = await call();
        Assert.True(clock.Elapsed < Quick, $"a client call took {clock.Elapsed.TotalSeconds:F1} s");
        return result;
    }
}
