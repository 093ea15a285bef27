using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Storage;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Storage;
using Orchestrator.Tests.Infrastructure;
using Orchestrator.Tests.Orchestration;
using Orchestrator.Tests.Storage;
using Orchestrator.Training.Workloads;

namespace Orchestrator.Tests.Sweeps;

/// <summary>
/// A sweep stored before the state log keeps its trials' states in trial grains; when its silo died between a trial's
/// completion (its grain) and the completion's ledger line, the reloaded sweep finds the completion and records it. The
/// completion then meets the sweep's checkpoint policy as a live one does (<c>checkpoints: none</c> deletes it).
/// </summary>
public sealed class RecoveredCompletionTests
{
    [Fact]
    public async Task A_completion_found_on_reload_is_recorded_and_meets_the_checkpoint_policy()
    {
        using var folder = new TempFolder();
        var spec = SweepSpecParser.Parse("""
            name: legacy
            workload: fff-sbi
            fixed: { task: two_moons }
            search: { budget: [1000, 1001] }
            evaluation: { observations: [1] }
            checkpoints: none
            """, BuiltInWorkloads.Registry, "legacy.yaml");
        WorkItem item;
        await using (var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = folder.Path, slotsPerSilo: 0))
        {
            await cluster.Client.SubmitAsync(spec);
            item = (await cluster.Grains.GetGrain<ISchedulerGrain>(SchedulerKey.Default).LeaseAsync("noop/cpu0", "cpu"))!;
        } // the silo stops with the trial running
        var hash = item.Trial.ConfigHash;
        var results = new LocalDirectoryResultStore(Path.Combine(folder.Path, "results"));
        await results.PutCheckpointAsync("legacy", hash, new MemoryStream([1, 2, 3]));
        // The store as the previous version left it: the start's ledger line names no record, and the trial's grain holds
        // its state, which had completed (C2ST 0.7) when the silo died.
        var ledger = Path.Combine(folder.Path, "results", ResultStoreLayout.Ledger("legacy", 0));
        File.WriteAllLines(ledger, File.ReadAllLines(ledger).Select(line => string.Join(',', line.Split(',').Take(6))));
        var completed = new TrialState
        {
            Status = TrialStatus.Completed, Attempt = 1, Spec = item.Trial, Scores = [new ObservationScore(1, 0.7)], Worker = "noop/cpu0",
            StartedAt = DateTimeOffset.UtcNow, FinishedAt = DateTimeOffset.UtcNow,
        };
        var grains = new LocalFileGrainStorage(Path.Combine(folder.Path, "grains"), StoredSpecRoundTripTests.OrchestratorSerializer());
        await grains.WriteStateAsync("trial", GrainId.Create("trial", $"legacy/{hash}"), new GrainState<TrialState>(completed));

        await using (var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = folder.Path, slotsPerSilo: 0))
        {
            // The reload (this call's activation) recorded the completion and applied the policy before it answered.
            var status = await cluster.Client.GetStatusAsync("legacy");
            Assert.Equal((SweepPhase.Running, 1, 0, 1), (status.Phase, status.Completed, status.Running, status.Pending));
            Assert.Null(await results.OpenCheckpointAsync("legacy", hash));
            var row = Assert.Single((await cluster.Client.GetResultsPageAsync("legacy", new ResultsQuery(20))).Trials);
            Assert.Equal((hash, TrialStatus.Completed, 0.7), (row.ConfigHash, row.Status, row.Objective));
        }
    }
}
