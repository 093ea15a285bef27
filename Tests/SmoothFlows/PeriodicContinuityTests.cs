using Orchestrator.Training.SmoothFlows;
using static TorchSharp.torch;

namespace Orchestrator.Tests.SmoothFlows;

public sealed class PeriodicContinuityTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Circle_transform_wraps_value_and_derivatives_across_zero(int rampPower)
    {
        using var scope = NewDisposeScope();
        using var transform = TransformFixture.Create(TransformKind.Smooth, circular: true, rampPower);
        var (_, h) = TransformFixture.Inputs(50);
        var zero = zeros([50, TransformFixture.Transformed], dtype: float64).requires_grad_(true);
        var one = ones([50, TransformFixture.Transformed], dtype: float64).requires_grad_(true);
        var (y0, log0) = transform.Forward(zero, h);
        var (y1, log1) = transform.Forward(one, h);
        var force0 = autograd.grad([log0.sum()], [zero])[0];
        var force1 = autograd.grad([log1.sum()], [one])[0];
        Assert.True((y1 - y0 - 1).abs().max().item<double>() < 1e-12, "F(1) = F(0) + 1");
        Assert.True((log1 - log0).abs().max().item<double>() < 1e-10, "log F′(1) = log F′(0)");
        Assert.True((force1 - force0).abs().max().item<double>() < 1e-8, "F″/F′ at 1 equals F″/F′ at 0");
    }

    [Fact]
    public void Torus_flow_density_and_forces_are_continuous_across_the_seam()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var flow = new CouplingFlow(new CouplingFlowOptions(Dimensions: 2, Circular: true, Components: 6, HiddenWidth: 16));
        flow.to(float64);
        using (no_grad())
        {
            foreach (var p in flow.parameters())
                p.add_(randn_like(p) * 0.3);
        }
        var t = linspace(0.05, 0.95, 20, dtype: float64);
        foreach (var seamDim in new[] { 0, 1 })
        {
            var atZero = stack(seamDim == 0 ? [zeros_like(t), t] : [t, zeros_like(t)], 1).requires_grad_(true);
            var atOne = stack(seamDim == 0 ? [ones_like(t), t] : [t, ones_like(t)], 1).requires_grad_(true);
            var logQ0 = flow.LogProb(atZero);
            var logQ1 = flow.LogProb(atOne);
            var force0 = autograd.grad([logQ0.sum()], [atZero])[0];
            var force1 = autograd.grad([logQ1.sum()], [atOne])[0];
            Assert.True((logQ1 - logQ0).abs().max().item<double>() < 1e-9, $"log q continuous across dimension {seamDim}");
            Assert.True((force1 - force0).abs().max().item<double>() < 1e-7, $"∇ log q continuous across dimension {seamDim}");
            Assert.True(logQ0.std().item<double>() > 1e-3, "the test flow is not uniform");
        }
    }
}
