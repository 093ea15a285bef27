using Orchestrator.Contracts.Specs;
using Orchestrator.Grains.Hosting;
using Orchestrator.Tests.Infrastructure;
using Orchestrator.Training.Workloads;

namespace Orchestrator.Tests.Orchestration;

/// <summary>A sweep whose data is missing (here: an observation beyond the shipped 1–5) is refused at submit, in one line.</summary>
public sealed class MissingDataTests
{
    [Fact]
    public async Task A_sweep_asking_for_a_missing_observation_is_rejected_at_submit_and_not_created()
    {
        using var store = new TempFolder();
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store.Path, slotsPerSilo: 0);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => cluster.Client.SubmitAsync(Spec("beyond", "[1, 6]")));
        Assert.StartsWith("benchmark data not found: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine("two_moons", "num_observation_6"), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Empty(await cluster.Client.ListAsync());

        // The shipped observations are accepted.
        var status = await cluster.Client.SubmitAsync(Spec("shipped", "[1, 5]"));
        Assert.Equal(6, status.Total);
    }

    [Fact]
    public void The_check_runs_once_per_searched_text_value_whatever_the_numbers()
    {
        var spec = SweepSpecParser.Parse("""
            name: big
            workload: fff-sbi
            fixed: { budget: 1000 }
            search:
              task: [two_moons, slcp]
              beta: [1, 5, 25, 100]
              lr: { loguniform: [1e-4, 1e-3], count: 50 }
              batchSize: { int: [64, 256], step: 64 }
            seeds: [1, 2, 3]
            """, BuiltInWorkloads.Registry, "spec.yaml");

        var combinations = SweepDataCheck.Combinations(spec, BuiltInWorkloads.Registry).ToList();

        Assert.Equal(["slcp", "two_moons"], combinations.Select(c => c["task"].AsString()).Order(StringComparer.Ordinal));
        Assert.All(combinations, c =>
        {
            Assert.Equal(1.0, c["beta"].AsDouble());
            Assert.Equal(1e-4, c["lr"].AsDouble(), 12);
            Assert.Equal(64L, c["batchSize"].AsInt64());
            Assert.Equal(1000L, c["budget"].AsInt64());
        });
    }

    private static SweepSpec Spec(string name, string observations) => SweepSpecParser.Parse($$"""
        name: {{name}}
        workload: fff-sbi
        fixed: { task: two_moons, budget: 200, epochs: 1 }
        search: { beta: [1, 5, 25] }
        seeds: [1, 2]
        evaluation: { observations: {{observations}} }
        """, BuiltInWorkloads.Registry, "spec.yaml");
}
