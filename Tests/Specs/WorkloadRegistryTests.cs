using Orchestrator.Contracts.Specs;
using Orchestrator.Training.Workloads;
using Orchestrator.Training.Workloads.FffSbi;
using Orchestrator.Workloads;

namespace Orchestrator.Tests.Specs;

public class WorkloadRegistryTests
{
    private static WorkloadRegistry Workloads => BuiltInWorkloads.Registry;

    [Fact]
    public void Unknown_workload_in_a_spec_lists_the_known_ones()
    {
        var error = Assert.Throws<SpecValidationException>(() => SweepSpecParser.Parse("name: a\nworkload: fff-sbj", Workloads));
        var only = Assert.Single(error.Errors);
        Assert.Equal("workload", only.Path);
        Assert.Contains("unknown workload 'fff-sbj'", only.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'fff-sbi'", only.Message, StringComparison.Ordinal);
        Assert.Contains("known workloads: ecnf-bg, fff-bg, fff-sbi", only.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_parameter_names_the_known_ones()
    {
        var message = FffSbiDescriptor.Instance.Check("learningRate", ParamValue.Of(1e-3));
        Assert.NotNull(message);
        Assert.Contains("unknown parameter 'learningRate' for workload fff-sbi", message, StringComparison.Ordinal);
        foreach (var known in FffSbiDescriptor.Instance.Parameters)
            Assert.Contains(known.Name, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fff_sbi_checks_types_and_ranges()
    {
        var workload = FffSbiDescriptor.Instance;
        Assert.Null(workload.Check("task", ParamValue.Of("two_moons")));
        Assert.Null(workload.Check("beta", ParamValue.Of(0L)));
        Assert.Null(workload.Check("seed", ParamValue.Of(3L)));
        Assert.Equal("expected an integer ≥ 1, got 12.5", workload.Check("batchSize", ParamValue.Of(12.5)));
        Assert.Equal("expected an integer ≥ 20, got 19", workload.Check("budget", ParamValue.Of(19L)));
        Assert.Equal("expected a number > 0, got -1", workload.Check("lr", ParamValue.Of(-1.0)));
        Assert.Equal("expected an integer ≥ 0, got -1", workload.Check("seed", ParamValue.Of(-1L)));
    }

    [Fact]
    public void Fff_sbi_declares_its_parameters_once_with_training_defaults_and_a_final_metric()
    {
        var workload = FffSbiDescriptor.Instance;
        Assert.Equal(
            ["task", "budget", "beta", "lr", "weightDecay", "batchSize", "epochs", "architecture", "identityInit", "hutchinson", "posteriorSamples", "validationFraction", "fault"],
            workload.Parameters.Select(p => p.Name));
        Assert.Equal(ParamValue.Of(25.0), workload.Find("beta")!.Default);
        Assert.Equal(ParamValue.Of(10_000L), workload.Find("budget")!.Default);
        Assert.Equal(Orchestrator.Training.Sbi.SbiTasks.Names, workload.Find("task")!.Allowed);
        Assert.True(workload.Find("architecture")!.ChangesShape);
        Assert.False(workload.Find("beta")!.ChangesShape);
        Assert.True(workload.Find("fault")!.TestOnly);
        Assert.Null(workload.Find("fault")!.Default);
        Assert.Equal(("c2st", MetricGoal.Minimize), (workload.PrimaryMetric.Name, workload.PrimaryMetric.Goal));
    }

    [Fact]
    public void A_registered_workload_plugs_into_parsing_and_expansion()
    {
        var toy = new WorkloadDescriptor("toy", "a toy",
            [new ParameterDefinition("width", ParamKind.Integer, "layer width") { Min = 1, Default = ParamValue.Of(8L) }],
            [new MetricDefinition("loss", "loss", MetricGoal.Minimize, MetricScope.Final)]);
        var registry = Workloads.With(toy);
        Assert.Equal(Workloads.Names.Append("toy").Order(StringComparer.Ordinal), registry.Names);
        Assert.Contains("fff-sbi", registry.Names);
        var spec = SweepSpecParser.Parse("name: toy\nworkload: toy\nsearch: { width: [4, 8, 16] }", registry);
        Assert.Equal(3, SweepExpander.Expand(spec, registry).Trials.Count);
        Assert.Throws<SpecValidationException>(() => SweepSpecParser.Parse("name: toy\nworkload: toy", Workloads));
        var bad = Assert.Throws<SpecValidationException>(() => SweepSpecParser.Parse("name: toy\nworkload: toy\nfixed: { width: 0 }", registry));
        Assert.Equal("fixed.width", Assert.Single(bad.Errors).Path);
    }

    [Fact]
    public void Without_descriptors_a_client_checks_everything_but_the_workload_parameters()
    {
        var spec = SweepSpecParser.Parse("name: a\nworkload: anything\nfixed: { whatever: 1 }", workloads: null);
        Assert.Equal("anything", spec.Workload);
        var bad = Assert.Throws<SpecValidationException>(() => SweepSpecParser.Parse("name: A\nworkload: anything\nseeds: []", workloads: null));
        Assert.Equal(["name", "seeds"], bad.Errors.Select(e => e.Path).Order());
    }
}
