using Orchestrator.Contracts.Specs;
using Orchestrator.Training.Workloads;

namespace Orchestrator.Tests.Specs;

public class SpecValidationTests
{
    private const string Header = "name: t\nworkload: fff-sbi\n";

    /// <summary>One case per rule: spec text, the path the error must name, '|'-separated words its message must contain.</summary>
    public static TheoryData<string, string, string> Cases => new()
    {
        { "workload: fff-sbi", "name", "is required" },
        { "name: Two Moons\nworkload: fff-sbi", "name", "1 to 64 characters|'Two Moons'" },
        { $"name: {new string('a', 65)}\nworkload: fff-sbi", "name", "1 to 64 characters" },
        { "name: ../up\nworkload: fff-sbi", "name", "starting with a letter or digit" },
        { "name: t", "workload", "is required|fff-sbi" },
        { "name: t\nworkload: nope", "workload", "unknown workload 'nope'|known workloads: ecnf-bg, fff-bg, fff-sbi" },
        { Header + "sede: [1]", "sede", "unknown key 'sede'|did you mean 'seeds'" },
        { Header + "evaluation: { shard: 2 }", "evaluation.shard", "unknown key 'shard'|did you mean 'shards'" },
        { Header + "fixed: { budget: 100 }\nfixed: { epochs: 5 }", "fixed", "duplicate key 'fixed'|line 3" },
        { Header + "search: { beta: [] }", "search.beta", "empty list" },
        { Header + "search: { beta: [1, 5, abc] }", "search.beta[2]", "expected a number ≥ 0|got 'abc'" },
        { Header + "search: { task: [two_moons, three_moons] }", "search.task[1]", "one of two_moons|got 'three_moons'" },
        { Header + "search: { btea: [1] }", "search.btea", "unknown parameter 'btea'|did you mean 'beta'" },
        { Header + "search: { beta: 5 }", "search.beta", "expected a list of values|put it under fixed" },
        { Header + "strategy: { random: 5 }\nsearch: { lr: { uniform: [0.01, 0.001] } }", "search.lr.uniform", "low < high|[0.01, 0.001]" },
        { Header + "search: { lr: { loguniform: [0, 0.01], count: 3 } }", "search.lr.loguniform[0]", "> 0|got 0" },
        { Header + "search: { lr: { loguniform: [1e-4, 1e-3] } }", "search.lr", "continuous|grid search needs 'count: N'" },
        { Header + "search: { lr: { uniform: [1e-4, 1e-3], count: 1 } }", "search.lr.count", "≥ 2|got 1" },
        { Header + "search: { epochs: { int: [1.5, 10] } }", "search.epochs.int[0]", "expected an integer|got 1.5" },
        { Header + "search: { epochs: { int: [10, 20], step: 0 } }", "search.epochs.step", "integer ≥ 1|got 0" },
        { Header + "strategy: { random: 3 }\nsearch: { epochs: { uniform: [1, 10] } }", "search.epochs", "integer parameter|int: [low, high]" },
        { Header + "search: { beta: { uniform: [-1, 5], count: 3 } }", "search.beta.uniform[0]", "≥ 0|got -1" },
        { Header + "fixed: { beta: 5 }\nsearch: { beta: [1, 2] }", "search.beta", "also under fixed" },
        { Header + "fixed: { budget: abc }", "fixed.budget", "expected an integer ≥ 20|got 'abc'" },
        { Header + "fixed: { budget: 10 }", "fixed.budget", "integer ≥ 20|got 10" },
        { Header + "fixed: { lr: 0 }", "fixed.lr", "number > 0|got 0" },
        { Header + "fixed: { architecture: resnet-m }", "fixed.architecture", "one of reference, resnet-s, resnet-l|'resnet-m'" },
        { Header + "fixed: { identityInit: maybe }", "fixed.identityInit", "true or false|'maybe'" },
        { Header + "fixed: { bta: 5 }", "fixed.bta", "unknown parameter 'bta'|did you mean 'beta'|known parameters: task, budget" },
        { Header + "fixed: { seed: 3 }", "fixed.seed", "reserved|seeds" },
        { Header + "strategy: random", "strategy", "number of samples|{ random: N, seed: S }" },
        { Header + "strategy: { seed: 3 }", "strategy", "number of samples N is missing" },
        { Header + "strategy: { random: 0 }", "strategy.random", "≥ 1|got 0" },
        { Header + "strategy: annealing", "strategy", "expected grid|'annealing'" },
        { Header + "seeds: []", "seeds", "at least one seed" },
        { Header + "seeds: [1, -3]", "seeds[1]", "≥ 0|got -3" },
        { Header + "seeds: [1, 1]", "seeds[1]", "duplicate seed 1" },
        { Header + "seeds: 3", "seeds", "list of seeds like [1, 2]|got 3" },
        { Header + "evaluation: { observations: [1, 2, 11] }", "evaluation.observations[2]", "1 to 10|got 11" },
        { Header + "evaluation: { observations: [0] }", "evaluation.observations[0]", "1 to 10|got 0" },
        { Header + "evaluation: { observations: [] }", "evaluation.observations", "at least one observation" },
        { Header + "evaluation: { shards: 0 }", "evaluation.shards", "≥ 1|got 0" },
        { Header + "evaluation: { observations: [1, 2], shards: 3 }", "evaluation.shards", "at most 2 shards|got 3" },
        { Header + "resources: { device: tpu }", "resources.device", "cpu or cuda|'tpu'" },
        { Header + "resources: { trialsPerWorker: 1 }", "resources.trialsPerWorker", "unknown key 'trialsPerWorker'" },
        { Header + "limits: { maxTrials: 0 }", "limits.maxTrials", "≥ 1|got 0" },
        { Header + "limits: { timeBudget: soon }", "limits.timeBudget", "duration like 90s, 30m, 2h|'soon'" },
        { Header + "limits: { timeBudget: 3600 }", "limits.timeBudget", "duration like|got 3600" },
        { Header + "search: { epochs: { int: [1, 1000000] }, budget: { int: [20, 100000] } }", "search", "more than 1000000" },
        { "- a\n- b", "", "expected the spec to be a map" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_rule_reports_its_path_and_expectation(string yaml, string path, string keywords) => AssertRejected(yaml, path, keywords);

    /// <summary>The spec is rejected with an error at <paramref name="path"/> whose message has every '|'-separated word.</summary>
    internal static void AssertRejected(string yaml, string path, string keywords)
    {
        var error = Assert.Throws<SpecValidationException>(() => SweepSpecParser.Parse(yaml, BuiltInWorkloads.Registry, "spec.yaml"));
        var matching = error.Errors.Where(e => e.Path == path).ToList();
        Assert.True(matching.Count > 0, $"no error at '{path}'; got:\n{error.Message}");
        foreach (var word in keywords.Split('|'))
            Assert.True(matching.Any(e => e.Message.Contains(word, StringComparison.Ordinal)), $"no error at '{path}' mentions \"{word}\"; got:\n{error.Message}");
    }

    [Fact]
    public void Errors_in_text_carry_line_and_column()
    {
        var error = Assert.Throws<SpecValidationException>(() =>
            SweepSpecParser.Parse(Header + "search:\n  beta: [1, 5, abc]\n", BuiltInWorkloads.Registry, "spec.yaml"));
        var bad = Assert.Single(error.Errors);
        Assert.Equal("search.beta[2]", bad.Path);
        Assert.Equal((4, 16), (bad.Line, bad.Column));
        Assert.Contains("search.beta[2] (line 4, column 16)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var error = Assert.Throws<SpecValidationException>(() =>
            SweepSpecParser.Parse("name: T\nworkload: fff-sbi\nseeds: []\nlimits: { maxTrials: 0 }", BuiltInWorkloads.Registry));
        Assert.Equal(["limits.maxTrials", "name", "seeds"], error.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Yaml_syntax_error_gives_line_and_column()
    {
        var error = Assert.Throws<SpecValidationException>(() =>
            SweepSpecParser.Parse("name: t\nworkload: fff-sbi\nsearch:\n  beta: [1, 5\nseeds: [1]\n", BuiltInWorkloads.Registry, "spec.yaml"));
        var syntax = Assert.Single(error.Errors);
        Assert.StartsWith("YAML syntax error", syntax.Message, StringComparison.Ordinal);
        Assert.NotNull(syntax.Line);
        Assert.True(syntax.Line >= 4, $"line {syntax.Line}");
        Assert.NotNull(syntax.Column);
    }

    [Fact]
    public void Json_syntax_error_gives_line_and_column()
    {
        var error = Assert.Throws<SpecValidationException>(() =>
            SweepSpecParser.Parse("{\n  \"name\": \"t\",\n  \"workload\": fff\n}", BuiltInWorkloads.Registry, "spec.json"));
        var syntax = Assert.Single(error.Errors);
        Assert.StartsWith("JSON syntax error", syntax.Message, StringComparison.Ordinal);
        Assert.Equal(3, syntax.Line);
    }

    [Fact]
    public void Empty_text_is_rejected()
    {
        var error = Assert.Throws<SpecValidationException>(() => SweepSpecParser.Parse("  \n# only a comment\n", BuiltInWorkloads.Registry));
        Assert.Contains("empty", Assert.Single(error.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Programmatic_specs_are_validated_too()
    {
        var spec = new SweepSpec
        {
            Name = "p", Workload = "fff-sbi", Seeds = [],
            Search = new Dictionary<string, SearchDimension> { ["lr"] = SearchDimension.LogUniform(-1, 1) },
            Strategy = StrategySpec.Random(10),
        };
        var errors = SweepSpecValidator.Validate(spec, BuiltInWorkloads.Registry);
        Assert.Contains(errors, e => e.Path == "seeds");
        Assert.Contains(errors, e => e.Path == "search.lr.loguniform[0]");
        Assert.Throws<SpecValidationException>(() => SweepExpander.Expand(spec, BuiltInWorkloads.Registry));
    }
}
