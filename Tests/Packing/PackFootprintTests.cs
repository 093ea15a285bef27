using Orchestrator.Training.Flows;
using Orchestrator.Training.Networks;
using Orchestrator.Training.Sbi;
using Orchestrator.Training.Workloads.FffSbi;
using Orchestrator.Workloads;

namespace Orchestrator.Tests.Packing;

/// <summary>The shapes pack: auto estimates from (no tensors) match the real networks; fff-sbi's footprint of a member.</summary>
public sealed class PackFootprintTests
{
    [Theory]
    [InlineData(Architectures.Reference, "two_moons")]
    [InlineData(Architectures.Reference, "slcp")]
    [InlineData(Architectures.ResNetSmall, "gaussian_linear")]
    [InlineData(Architectures.ResNetLarge, "lotka_volterra")]
    public void Architecture_shapes_count_the_real_flows_parameters_and_layers(string architecture, string taskName)
    {
        var task = SbiTasks.Get(taskName);
        using var flow = FreeFormFlow.Create(architecture, task.ThetaDim, task.XDim, identityInit: true);
        var layers = ArchitectureShapes.Layers(architecture, task.ThetaDim, task.XDim);

        Assert.Equal(flow.parameters().Sum(p => p.numel()), 2 * ArchitectureShapes.Parameters(layers));
        Assert.Equal(flow.modules().Count(m => m is TorchSharp.Modules.Linear), 2 * layers.Count);
    }

    [Fact]
    public void The_fff_sbi_footprint_counts_encoder_and_decoder_at_the_trials_batch_size()
    {
        var footprint = Footprint(("task", ParamValue.Of("two_moons")), ("batchSize", ParamValue.Of(128)));

        // Reference net on two_moons (θ and x of 2 dims): 203,796 parameters in 10 layers per network, 1,548 layer outputs.
        Assert.Equal(new PackFootprint(407_592, 20, 2 * FffSbiFootprint.ActivationCopies * 1_548, 128), footprint);
        Assert.Equal(4 * (4 * 407_592 + 128 * 9_288), footprint.Bytes);
        // Two Hutchinson vectors keep twice the activations; the parameters stay.
        var two = Footprint(("task", ParamValue.Of("two_moons")), ("batchSize", ParamValue.Of(128)), ("hutchinson", ParamValue.Of(2)));
        Assert.Equal(2 * footprint.ActivationsPerRow, two.ActivationsPerRow);
        Assert.Equal(footprint.Parameters, two.Parameters);
    }

    internal static PackFootprint Footprint(params (string Name, ParamValue Value)[] parameters) =>
        FffSbiDescriptor.Instance.PackFootprintOf!(parameters.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal))!;
}
