using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Tests.Orchestration;

namespace Orchestrator.Tests.Workloads;

/// <summary>A workload from outside Training plugs in through its descriptor alone and runs through a sweep on a real cluster.</summary>
public sealed class QuadraticWorkloadTests
{
    [Fact]
    public async Task A_sweep_of_the_test_workload_completes_with_the_closed_form_losses()
    {
        var storePath = Directory.CreateTempSubdirectory("orchestrator-quadratic-").FullName;
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = storePath, slotsPerSilo: 2);
        var spec = SweepSpecParser.Parse("""
            name: quadratic
            workload: quadratic
            fixed: { target: 0.5, epochs: 4 }
            search: { lr: [0.1, 0.25] }
            seeds: [2, 3]
            evaluation: { observations: [1, 2], shards: 2 }
            """, OrchestratorTestCluster.Workloads);

        var client = cluster.Client; // the SDK, through its interface
        Assert.Equal(4, (await client.SubmitAsync(spec, CancellationToken.None)).Total);
        var results = await cluster.RunToEndAsync("quadratic", TimeSpan.FromMinutes(2));
        Assert.Contains(await client.ListAsync(CancellationToken.None), s => s.Name == "quadratic" && s.Completed == 4);
        using (var cancelled = new CancellationTokenSource())
        {
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResultsAsync("quadratic", cancelled.Token));
        }
        var csv = SummaryCsv.Write(results).Trim().Split('\n');
        Assert.Equal(5, csv.Length); // header + 4 trials
        Assert.StartsWith("config_hash,group_hash,status,attempt,loss,reason,", csv[0]); // metric columns as the workload declares them
        Assert.Equal(new MetricColumn("loss", "loss", Minimize: true), results.Objective);

        Assert.Equal(4, results.Trials.Count);
        Assert.All(results.Trials, t =>
        {
            Assert.Equal(TrialStatus.Completed, t.Status);
            var expected = QuadraticWorkload.ExpectedLoss(0.5, t.Parameters["lr"].AsDouble(), 4, t.Seed);
            Assert.Equal(expected, t.Objective, 12);
            Assert.Equal(expected, t.Metric("loss"), 12);
        });
        Assert.Equal(2, results.Groups.Count);
        // lr 0.25 halves the distance each step: (seed − 0.5)·2⁻⁴, squared, averaged over seeds 2 and 3.
        var fast = results.Groups.Single(g => g.Parameters["lr"].AsDouble() == 0.25);
        Assert.Equal((Math.Pow(1.5 / 16, 2) + Math.Pow(2.5 / 16, 2)) / 2, fast.Mean, 12);
    }

    [Fact]
    public void The_test_workload_is_registered_beside_the_built_in_ones()
    {
        var builtIn = Orchestrator.Training.Workloads.BuiltInWorkloads.Registry.Names;
        Assert.Equal(builtIn.Append("quadratic").Order(StringComparer.Ordinal), OrchestratorTestCluster.Workloads.Names);
        Assert.Contains("fff-sbi", builtIn);
        Assert.Equal("loss", QuadraticWorkload.Definition.PrimaryMetric.Name);
    }
}
