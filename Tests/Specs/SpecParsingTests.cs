using Orchestrator.Contracts.Specs;
using Orchestrator.Training.Workloads;
using Orchestrator.Workloads;

namespace Orchestrator.Tests.Specs;

public class SpecParsingTests
{
    internal const string Yaml = """
        name: two-moons-beta
        workload: fff-sbi
        fixed: { task: two_moons, budget: 1000, epochs: 50 }
        search:
          beta: [1, 5, 25, 100, 500]        # grid list
          lr: { loguniform: [1e-4, 1e-3] }  # continuous: random search
          architecture: { choice: [reference, resnet-s] }
          batchSize: { int: [64, 256], step: 64 }
        seeds: [1, 2]
        strategy: { random: 20, seed: 7 }
        evaluation: { observations: [1, 2, 3, 4, 5], shards: 2 }
        resources: { device: cpu }
        limits: { maxTrials: 100, timeBudget: 2h }
        """;

    // The same spec as JSON, keys in another order, 1000.0 for 1000 and 2.0 for 2.
    internal const string Json = """
        {
          "workload": "fff-sbi",
          "name": "two-moons-beta",
          "limits": { "timeBudget": "2h", "maxTrials": 100 },
          "resources": { "device": "cpu" },
          "evaluation": { "shards": 2, "observations": [1, 2, 3, 4, 5] },
          "strategy": { "seed": 7, "random": 20 },
          "seeds": [1, 2],
          "search": {
            "batchSize": { "step": 64, "int": [64, 256] },
            "architecture": { "choice": ["reference", "resnet-s"] },
            "lr": { "loguniform": [0.0001, 0.001] },
            "beta": [1, 5, 25, 100, 500]
          },
          "fixed": { "epochs": 50, "budget": 1000.0, "task": "two_moons" }
        }
        """;

    [Fact]
    public void Yaml_reads_into_the_records()
    {
        var spec = SweepSpecParser.Parse(Yaml, BuiltInWorkloads.Registry, "spec.yaml");
        Assert.Equal("two-moons-beta", spec.Name);
        Assert.Equal("fff-sbi", spec.Workload);
        Assert.Equal(ParamValue.Of("two_moons"), spec.Fixed["task"]);
        Assert.Equal(ParamValue.Of(1000L), spec.Fixed["budget"]);
        Assert.Equal(SearchDimension.ListOf([.. new long[] { 1, 5, 25, 100, 500 }.Select(ParamValue.Of)]), spec.Search["beta"]);
        Assert.Equal(SearchDimension.LogUniform(1e-4, 1e-3), spec.Search["lr"]);
        Assert.Equal(SearchDimension.ChoiceOf(ParamValue.Of("reference"), ParamValue.Of("resnet-s")), spec.Search["architecture"]);
        Assert.Equal(SearchDimension.IntRange(64, 256, 64), spec.Search["batchSize"]);
        Assert.Equal(StrategySpec.Random(20, 7), spec.Strategy);
        Assert.Equal([1L, 2L], spec.Seeds);
        Assert.Equal(new EvaluationSpec { Observations = [1, 2, 3, 4, 5], Shards = 2 }, spec.Evaluation);
        Assert.Equal(new ResourceSpec { Device = DeviceKind.Cpu }, spec.Resources);
        Assert.Equal(new LimitsSpec { MaxTrials = 100, TimeBudget = TimeSpan.FromHours(2) }, spec.Limits);
    }

    [Fact]
    public void Yaml_and_json_of_the_same_spec_give_equal_records_and_hashes()
    {
        var fromYaml = SweepSpecParser.Parse(Yaml, BuiltInWorkloads.Registry, "spec.yaml");
        var fromJson = SweepSpecParser.Parse(Json, BuiltInWorkloads.Registry, "spec.json");
        Assert.Equal(fromYaml, fromJson);
        Assert.Equal(fromYaml.ContentHash(), fromJson.ContentHash());
        Assert.Equal(16, fromYaml.ContentHash().Length);
        // Without a file name the format comes from the content.
        Assert.Equal(fromYaml.ContentHash(), SweepSpecParser.Parse(Json, BuiltInWorkloads.Registry).ContentHash());
        Assert.Equal(fromYaml.ContentHash(), SweepSpecParser.Parse(Yaml, BuiltInWorkloads.Registry).ContentHash());
    }

    [Fact]
    public void Key_order_whitespace_and_spelled_out_defaults_do_not_change_the_hash()
    {
        const string Compact = "name: x\nworkload: fff-sbi\nsearch: {beta: [1, 5]}\n";
        const string Spelled = """
            workload:   fff-sbi
            search:
              beta:
                - 1.0
                - 5
            name: "x"
            strategy: grid
            seeds: [1]
            evaluation: { shards: 1, observations: [1, 2, 3, 4, 5] }
            resources: { device: cpu }
            """;
        Assert.Equal(SweepSpecParser.Parse(Compact, BuiltInWorkloads.Registry).ContentHash(), SweepSpecParser.Parse(Spelled, BuiltInWorkloads.Registry).ContentHash());
        Assert.NotEqual(
            SweepSpecParser.Parse(Compact, BuiltInWorkloads.Registry).ContentHash(),
            SweepSpecParser.Parse(Compact.Replace("[1, 5]", "[1, 6]", StringComparison.Ordinal), BuiltInWorkloads.Registry).ContentHash());
    }

    [Fact]
    public void Omitted_sections_take_their_defaults()
    {
        var spec = SweepSpecParser.Parse("name: minimal\nworkload: fff-sbi\n", BuiltInWorkloads.Registry);
        Assert.Equal(StrategyKind.Grid, spec.Strategy.Kind);
        Assert.Equal([1L], spec.Seeds);
        Assert.Equal([1, 2, 3, 4, 5], spec.Evaluation.Observations);
        Assert.Equal(1, spec.Evaluation.Shards);
        Assert.Equal(DeviceKind.Cpu, spec.Resources.Device);
        Assert.Null(spec.Limits.MaxTrials);
        Assert.Null(spec.Limits.TimeBudget);
        Assert.Empty(spec.Search);
    }

    [Fact]
    public void Quoted_scalars_stay_strings_and_plain_ones_are_typed()
    {
        var spec = SweepSpecParser.Parse("name: x\nworkload: fff-sbi\nfixed: { task: \"slcp\", identityInit: true, beta: 2.5, budget: 1000 }", BuiltInWorkloads.Registry);
        Assert.Equal(ParamKind.String, spec.Fixed["task"].Kind);
        Assert.Equal(ParamValue.Of(true), spec.Fixed["identityInit"]);
        Assert.Equal(ParamValue.Of(2.5), spec.Fixed["beta"]);
        Assert.Equal(ParamValue.Of(1000L), spec.Fixed["budget"]);
        var quoted = Assert.Throws<SpecValidationException>(() =>
            SweepSpecParser.Parse("name: x\nworkload: fff-sbi\nfixed: { budget: \"1000\" }", BuiltInWorkloads.Registry));
        Assert.Equal("fixed.budget", Assert.Single(quoted.Errors).Path);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("2h", 7200)]
    [InlineData("1h30m", 5400)]
    [InlineData("1d", 86400)]
    [InlineData("1.5h", 5400)]
    public void Durations_parse(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
        Assert.True(Durations.TryParse(Durations.Format(duration), out var again));
        Assert.Equal(duration, again);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("2")]
    [InlineData("0s")]
    [InlineData("-5m")]
    [InlineData("2 h")]
    public void Bad_durations_do_not_parse(string text) => Assert.False(Durations.TryParse(text, out _));

    [Theory]
    [InlineData(1.0, "1")]
    [InlineData(-0.0, "0")]
    [InlineData(1e-4, "0.0001")]
    [InlineData(2.5, "2.5")]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(1e20, "1E+20")]
    [InlineData(1e300, "1E+300")]
    public void Numbers_print_canonically(double value, string expected) =>
        Assert.Equal(expected, ParamValue.Of(value).ToCanonical());
}
