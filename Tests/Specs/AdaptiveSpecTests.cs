using Orchestrator.Contracts.Specs;
using Orchestrator.Training.Workloads;

namespace Orchestrator.Tests.Specs;

/// <summary>The objective, scheduler and TPE sections of a spec: parsed, checked against the workload's metrics, hashed.</summary>
public sealed class AdaptiveSpecTests
{
    private const string Header = "name: t\nworkload: fff-sbi\n";

    /// <summary>One case per rule: spec text, the path the error must name, '|'-separated words its message must contain.</summary>
    public static TheoryData<string, string, string> Cases => new()
    {
        { Header + "objective: { metric: valnl }", "objective.metric", "unknown metric 'valnl' for workload fff-sbi|did you mean 'valNll'|known metrics: c2st, valNll" },
        { Header + "objective: { metric: accuracy }", "objective.metric", "unknown metric 'accuracy'|known metrics: c2st" },
        { Header + "objective: { direction: min }", "objective.metric", "is required|c2st" },
        { Header + "objective: { metric: c2st, direction: max }", "objective.direction", "c2st is lower is better for fff-sbi|expected min, got max" },
        { Header + "objective: { metric: c2st, direction: down }", "objective.direction", "expected min or max|'down'" },
        { Header + "objective: { metric: valNll, fidelity: steps }", "objective.fidelity", "expected epochs|'steps'" },
        { Header + "objective: { metric: valNll, goal: min }", "objective.goal", "unknown key 'goal'|metric, direction, fidelity" },
        { Header + "scheduler: asha", "scheduler.kind", "asha compares trials after each epoch|reports c2st only when a trial ends|trainLoss, valNll" },
        { Header + "objective: c2st\nscheduler: { kind: median }", "objective.metric", "median compares trials|c2st only when a trial ends" },
        { Header + "scheduler: { kind: ashaa }", "scheduler.kind", "unknown scheduler 'ashaa'|did you mean 'asha'|fifo, asha, hyperband, median" },
        { Header + "scheduler: { minEpochs: 2 }", "scheduler", "expected scheduler.kind" },
        { Header + "objective: valNll\nscheduler: { kind: asha, eta: 1 }", "scheduler.eta", "≥ 2|got 1" },
        { Header + "objective: valNll\nscheduler: { kind: asha, minEpochs: 0 }", "scheduler.minEpochs", "≥ 1|got 0" },
        { Header + "objective: valNll\nscheduler: { kind: asha, graceEpochs: 0 }", "scheduler.graceEpochs", "≥ 1|got 0" },
        { Header + "objective: valNll\nfixed: { epochs: 20 }\nscheduler: { kind: asha, minEpochs: 20 }", "scheduler.minEpochs", "fewer than maxEpochs (20)|got 20" },
        { Header + "objective: valNll\nfixed: { epochs: 27 }\nscheduler: { kind: asha, maxEpochs: 81 }", "scheduler.maxEpochs", "at most the 27 epochs|got 81" },
        { Header + "objective: valNll\nsearch: { epochs: [10, 20] }\nscheduler: { kind: asha }", "scheduler.maxEpochs", "required when epochs is searched" },
        { Header + "objective: valNll\nfixed: { epochs: 27 }\nscheduler: { kind: hyperband, brackets: 4 }", "scheduler.brackets", "at most 3 brackets|maxEpochs 27, eta 3|got 4" },
        { Header + "objective: valNll\nscheduler: { kind: median, minSamples: 0 }", "scheduler.minSamples", "≥ 1|got 0" },
        { Header + "objective: valNll\nsearch: { beta: [1, 2] }\nscheduler: { kind: asha, groupBy: [task] }", "scheduler.groupBy[0]", "'task' is not searched|searched parameters: beta" },
        { Header + "scheduler: { kind: asha, metric: valNl }", "scheduler.metric", "reports no metric 'valNl' per epoch|did you mean 'valNll'" },
        { Header + "objective: valNll\nscheduler: { kind: asha, groupBy: task }", "scheduler.groupBy", "expected a list of searched parameter names" },
        { Header + "strategy: tpe", "strategy", "TPE needs the number of configurations|{ tpe: N, seed: S, startup: K }" },
        { Header + "strategy: { tpe: 0 }\nsearch: { beta: [1, 2] }", "strategy.tpe", "≥ 1|got 0" },
        { Header + "strategy: { tpe: 5, startup: 9 }\nsearch: { beta: [1, 2] }", "strategy.startup", "from 1 to the 5 configurations|got 9" },
        { Header + "strategy: { tpe: 5 }", "search", "at least one searched parameter" },
        { Header + "strategy: { random: 5, startup: 2 }\nsearch: { beta: [1, 2] }", "strategy.startup", "tpe only" },
        { Header + "strategy: { random: 5, tpe: 5 }\nsearch: { beta: [1, 2] }", "strategy", "exclude each other" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_rule_reports_its_path_and_expectation(string yaml, string path, string keywords) =>
        SpecValidationTests.AssertRejected(yaml, path, keywords);

    [Fact]
    public void A_full_adaptive_spec_parses_into_its_sections()
    {
        var spec = SweepSpecParser.Parse(Header + """
            fixed: { epochs: 27 }
            search: { beta: { loguniform: [1, 500] }, batchSize: [16, 64] }
            strategy: { tpe: 20, seed: 4, startup: 6 }
            objective: { metric: valNll, direction: min, fidelity: epochs }
            scheduler: { kind: hyperband, minEpochs: 1, eta: 3, graceEpochs: 2, brackets: 3 }
            """, BuiltInWorkloads.Registry, "spec.yaml");

        Assert.Equal(StrategySpec.Tpe(20, 4, 6), spec.Strategy);
        Assert.Equal(new ObjectiveSpec { Metric = "valNll", Direction = "min" }, spec.Objective);
        Assert.Equal(new SchedulerSpec { Kind = SchedulerKind.Hyperband, GraceEpochs = 2 }, spec.Scheduler);
        Assert.Equal(27, SweepSpecValidator.MaxEpochs(spec, BuiltInWorkloads.Registry.Get("fff-sbi")));
        var objective = Objective.Of(spec, BuiltInWorkloads.Registry.Get("fff-sbi"))!;
        Assert.Equal(("valNll", true, true), (objective.Name, objective.Minimize, objective.PerEpoch));
    }

    [Fact]
    public void Without_an_objective_the_primary_metric_in_its_declared_direction_is_judged()
    {
        var workload = BuiltInWorkloads.Registry.Get("fff-bg");
        var spec = SweepSpecParser.Parse("name: t\nworkload: fff-bg\n", BuiltInWorkloads.Registry, "spec.yaml");
        var objective = Objective.Of(spec, workload)!;
        Assert.Equal(("testNll", true, false), (objective.Name, objective.Minimize, objective.PerEpoch));

        var ess = Objective.Of(spec with { Objective = new ObjectiveSpec { Metric = "ess" } }, workload)!;
        Assert.False(ess.Minimize); // declared higher-is-better
        Assert.Equal(-0.4, ess.Loss(0.4));
    }

    [Fact]
    public void Objective_and_scheduler_change_the_spec_hash_only_when_given()
    {
        var plain = SweepSpecParser.Parse(Header, BuiltInWorkloads.Registry, "spec.yaml");
        Assert.DoesNotContain("objective", plain.ToCanonicalJson(), StringComparison.Ordinal);
        Assert.DoesNotContain("scheduler", plain.ToCanonicalJson(), StringComparison.Ordinal);
        var adaptive = SweepSpecParser.Parse(Header + "objective: valNll\nscheduler: { kind: asha }", BuiltInWorkloads.Registry, "spec.yaml");
        Assert.NotEqual(plain.ContentHash(), adaptive.ContentHash());
        var reordered = SweepSpecParser.Parse(Header + "scheduler: { eta: 3, kind: asha }\nobjective: { metric: valNll }", BuiltInWorkloads.Registry, "spec.yaml");
        Assert.Equal(adaptive.ContentHash(), reordered.ContentHash());
    }

    [Fact]
    public void A_tpe_spec_draws_from_its_own_source_at_most_every_configuration_of_a_finite_space_once()
    {
        var spec = SweepSpecParser.Parse(Header + "strategy: { tpe: 4 }\nsearch: { beta: [1, 2] }", BuiltInWorkloads.Registry, "spec.yaml");
        var source = TrialSources.Create(spec, BuiltInWorkloads.Registry);
        Assert.IsType<TpeTrialSource>(source);
        Assert.Equal(2 * spec.Seeds.Count, source.Planned); // 4 configurations asked, 2 exist
        var groups = new List<string>();
        while (source.Next() is { } trial)
            groups.Add(trial.GroupHash);
        Assert.Equal(2, groups.Distinct().Count());
        Assert.True(source.Exhausted);
    }
}
