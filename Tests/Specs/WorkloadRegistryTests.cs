using Orchestrator.Contracts.Specs;
using Orchestrator.Training.Optimization;
using Orchestrator.Training.Trials;

namespace Orchestrator.Tests.Specs;

public class WorkloadRegistryTests
{
    [Fact]
    public void Unknown_workload_lists_the_known_ones()
    {
        var registry = WorkloadRegistry.CreateDefault();
        var error = Assert.Throws<SpecValidationException>(() => registry.Get("fff-sbj"));
        var only = Assert.Single(error.Errors);
        Assert.Equal("workload", only.Path);
        Assert.Contains("unknown workload 'fff-sbj'", only.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'fff-sbi'", only.Message, StringComparison.Ordinal);
        Assert.Contains("known workloads: fff-sbi", only.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_parameter_names_the_known_ones()
    {
        var errors = FffSbiWorkload.Instance.Validate(new Dictionary<string, ParamValue> { ["learningRate"] = ParamValue.Of(1e-3) });
        var only = Assert.Single(errors);
        Assert.Equal("learningRate", only.Path);
        Assert.Contains("unknown parameter 'learningRate' for workload fff-sbi", only.Message, StringComparison.Ordinal);
        foreach (var known in new[] { "task", "budget", "beta", "lr", "weightDecay", "batchSize", "epochs", "architecture", "identityInit", "hutchinson", "posteriorSamples" })
            Assert.Contains(known, only.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fff_sbi_checks_types_and_ranges()
    {
        var errors = FffSbiWorkload.Instance.Validate(new Dictionary<string, ParamValue>
        {
            ["task"] = ParamValue.Of("two_moons"),
            ["budget"] = ParamValue.Of(19L),
            ["beta"] = ParamValue.Of(0L),
            ["lr"] = ParamValue.Of(-1.0),
            ["posteriorSamples"] = ParamValue.Of(99L),
            ["batchSize"] = ParamValue.Of(12.5),
            ["seed"] = ParamValue.Of(3L),
        });
        Assert.Equal(["batchSize", "budget", "lr", "posteriorSamples"], errors.Select(e => e.Path));
        Assert.Contains("expected an integer ≥ 1, got 12.5", errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fff_sbi_defaults_match_the_training_defaults()
    {
        var config = new TrialConfig();
        var training = new TrainingOptions();
        ParamValue Default(string name) => FffSbiWorkload.Instance.Parameters.Single(p => p.Name == name).Default!;
        Assert.Equal(config.Task, Default("task").AsString());
        Assert.Equal(config.Budget, Default("budget").AsInt64());
        Assert.Equal(config.PosteriorSamples, Default("posteriorSamples").AsInt64());
        Assert.Equal(config.ValidationFraction, Default("validationFraction").AsDouble());
        Assert.Equal(training.Beta, Default("beta").AsDouble());
        Assert.Equal(training.LearningRate, Default("lr").AsDouble());
        Assert.Equal(training.WeightDecay, Default("weightDecay").AsDouble());
        Assert.Equal(training.BatchSize, Default("batchSize").AsInt64());
        Assert.Equal(training.Epochs, Default("epochs").AsInt64());
        Assert.Equal(training.HutchinsonSamples, Default("hutchinson").AsInt64());
        Assert.Equal(training.Architecture, Default("architecture").AsString());
        Assert.Equal(training.IdentityInit, Default("identityInit").AsBool());
        Assert.Equal(Orchestrator.Training.Sbi.SbiTasks.Names.Order(), FffSbiWorkload.Tasks.Order());
        Assert.Equal(Orchestrator.Training.Networks.Architectures.Names.Order(), FffSbiWorkload.Architectures.Order());
    }

    [Fact]
    public void A_registered_workload_plugs_into_parsing_and_expansion()
    {
        var registry = WorkloadRegistry.CreateDefault();
        registry.Register(new WorkloadDefinition("toy",
        [
            new ParameterDefinition("width", ParamKind.Integer, "layer width") { Min = 1, Default = ParamValue.Of(8L) },
        ]));
        var spec = SweepSpecParser.Parse("name: toy\nworkload: toy\nsearch: { width: [4, 8, 16] }", registry: registry);
        Assert.Equal(3, SweepExpander.Expand(spec, registry).Trials.Count);
        Assert.Throws<SpecValidationException>(() => SweepSpecParser.Parse("name: toy\nworkload: toy"));
        var bad = Assert.Throws<SpecValidationException>(() =>
            SweepSpecParser.Parse("name: toy\nworkload: toy\nfixed: { width: 0 }", registry: registry));
        Assert.Equal("fixed.width", Assert.Single(bad.Errors).Path);
    }
}
