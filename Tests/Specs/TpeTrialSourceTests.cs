using Orchestrator.Contracts.Specs;
using Orchestrator.Tests.Orchestration;

namespace Orchestrator.Tests.Specs;

/// <summary>
/// TPE as a sweep's trial source, driven as two parallel workers would drive it: capped exactly, never a configuration
/// twice, the same configurations for the same completion order, and a source rebuilt from the started trials
/// continues the same sequence.
/// </summary>
public sealed class TpeTrialSourceTests
{
    private static SweepSpec Spec(int samples, string limits = "", string seeds = "[1]") => SweepSpecParser.Parse($$"""
        name: tpe
        workload: quadratic
        fixed: { epochs: 3 }
        search:
          lr: { uniform: [0.01, 0.45] }
          target: { uniform: [-5, 5] }
          mode: { choice: [plain, fancy] }
        strategy: { tpe: {{samples}}, seed: 7, startup: 4 }
        seeds: {{seeds}}
        {{limits}}
        """, OrchestratorTestCluster.Workloads);

    // The closed-form final loss of the quadratic workload.
    private static double Loss(TrialSpec t) => Workloads.QuadraticWorkload.ExpectedLoss(
        t.Parameters["target"].AsDouble(), t.Parameters["lr"].AsDouble(), 3, t.Seed);

    /// <summary>Two workers: each step keeps two trials running and completes the older one.</summary>
    private static void Step(ITrialSource source, List<TrialSpec> running, List<TrialSpec> drawn)
    {
        while (running.Count < 2 && source.Next() is { } next)
        {
            running.Add(next);
            drawn.Add(next);
        }
        if (running.Count == 0)
            return;
        source.Observe(running[0], Loss(running[0]));
        running.RemoveAt(0);
    }

    private static List<TrialSpec> RunToEnd(ITrialSource source, List<TrialSpec>? running = null, List<TrialSpec>? drawn = null)
    {
        running ??= [];
        drawn ??= [];
        while (!source.Exhausted || running.Count > 0)
            Step(source, running, drawn);
        return drawn;
    }

    [Fact]
    public void It_stops_exactly_at_max_trials_and_never_repeats_a_configuration()
    {
        var source = TrialSources.Create(Spec(20, "limits: { maxTrials: 13 }", seeds: "[1, 2]"), OrchestratorTestCluster.Workloads);
        var drawn = RunToEnd(source);

        Assert.Equal((13, 13L, 13L), (drawn.Count, source.Planned, source.Produced));
        Assert.Equal(Enumerable.Range(0, 13), drawn.Select(t => t.Index));
        Assert.Equal(13, drawn.Select(t => t.ConfigHash).Distinct().Count());
        Assert.Equal(7, drawn.Select(t => t.GroupHash).Distinct().Count()); // each configuration once per seed, the last one cut by the cap
        Assert.Equal([1L, 2L], drawn.Take(2).Select(t => t.Seed));
        Assert.Null(source.Next());
    }

    [Fact]
    public void The_same_completion_order_draws_the_same_configurations_and_a_restored_source_continues_the_sequence()
    {
        var spec = Spec(16);
        var first = RunToEnd(TrialSources.Create(spec, OrchestratorTestCluster.Workloads));
        var again = RunToEnd(TrialSources.Create(spec, OrchestratorTestCluster.Workloads));
        Assert.Equal(first.Select(t => t.ConfigHash), again.Select(t => t.ConfigHash));
        Assert.Equal(16, first.Select(t => t.GroupHash).Distinct().Count());

        // Stop after 9 steps (trials still running), rebuild a fresh source from what started, and go on alike.
        var interrupted = TrialSources.Create(spec, OrchestratorTestCluster.Workloads);
        List<TrialSpec> running = [], drawn = [];
        for (var step = 0; step < 9; step++)
            Step(interrupted, running, drawn);
        var completed = drawn.Except(running).ToList();
        var restored = (IAdaptiveTrialSource)TrialSources.Create(spec, OrchestratorTestCluster.Workloads);
        restored.Restore([.. drawn.Select(t => new StartedTrial(t.Index, t, completed.Contains(t) ? Loss(t) : null)).Reverse()]);
        Assert.Equal(drawn.Count, restored.Produced);

        var rest = RunToEnd(restored, running, []);
        Assert.Equal(first.Skip(drawn.Count).Select(t => t.ConfigHash), rest.Select(t => t.ConfigHash));
        Assert.True(rest.Count >= 5, $"only {rest.Count} trials after the restart");
    }

    [Fact]
    public void After_the_startup_draws_it_lands_closer_to_the_optimum_than_random_draws()
    {
        // Seed 1's optimum: target 1 (x₀ = seed). The median loss of the last 12 of 24 draws, averaged over 5 sampler seeds,
        // against the same source left random (startup = every draw): observations reach the sampler.
        double LateMedian(int seed, int startup)
        {
            var spec = Spec(24);
            var drawn = RunToEnd(TrialSources.Create(spec with { Strategy = StrategySpec.Tpe(24, seed, startup) }, OrchestratorTestCluster.Workloads));
            return drawn.Skip(12).Select(Loss).Order().ElementAt(6);
        }
        var tpe = Enumerable.Range(1, 5).Average(seed => LateMedian(seed, 4));
        var random = Enumerable.Range(1, 5).Average(seed => LateMedian(seed, 24));
        Assert.True(tpe < 0.2 * random, $"mean median loss of the last 12 draws: TPE {tpe:G4}, random {random:G4}");
    }
}
