using Orchestrator.Training.SmoothFlows;
using static TorchSharp.torch;

namespace Orchestrator.Tests.SmoothFlows;

public sealed class SmoothTransformTests
{
    [Theory]
    [InlineData(TransformKind.Smooth, false, 1)]
    [InlineData(TransformKind.Smooth, false, 2)]
    [InlineData(TransformKind.Smooth, true, 1)]
    [InlineData(TransformKind.Smooth, true, 2)]
    [InlineData(TransformKind.Spline, false, 1)]
    [InlineData(TransformKind.Spline, true, 1)]
    public void Analytic_log_derivative_matches_autograd(TransformKind kind, bool circular, int rampPower)
    {
        using var scope = NewDisposeScope();
        using var transform = TransformFixture.Create(kind, circular, rampPower);
        var (x, h) = TransformFixture.Inputs(200);
        x.requires_grad_(true);
        var (y, logDerivative) = transform.Forward(x, h);
        var autogradDerivative = autograd.grad([y.sum()], [x])[0];
        var error = (autogradDerivative.log() - logDerivative).abs().max().item<double>();
        Assert.True(error < 1e-9, $"max |log F′ − log autograd F′| = {error}");
        Assert.True(y.min().item<double>() >= 0 && y.max().item<double>() <= 1, "the transform maps [0, 1] into [0, 1]");
    }

    [Theory]
    [InlineData(TransformKind.Smooth, false)]
    [InlineData(TransformKind.Smooth, true)]
    [InlineData(TransformKind.Spline, false)]
    [InlineData(TransformKind.Spline, true)]
    public void Inverse_of_forward_is_the_identity_in_float64(TransformKind kind, bool circular)
    {
        using var scope = NewDisposeScope();
        using var transform = TransformFixture.Create(kind, circular, inversion: new InversionOptions(Bins: 10, Tolerance: 1e-6));
        var (x, h) = TransformFixture.Inputs(500);
        using var _ = no_grad();
        var (y, logDerivative) = transform.Forward(x, h);
        var (back, inverseLogDerivative) = transform.Inverse(y, h);
        var error = (back - x).abs().max().item<double>();
        Assert.True(error < 1e-5, $"max |F⁻¹(F(x)) − x| = {error}");
        var logDetError = (inverseLogDerivative + logDerivative).abs().max().item<double>();
        Assert.True(logDetError < 1e-4, $"max |log|dx/dy| + log F′| = {logDetError}");
    }

    [Fact]
    public void Bisection_rounds_shrink_the_bracket_by_bins_minus_one()
    {
        // F(x) = x: after r rounds the bracket is (N − 1)^−r wide; the midpoint is within half of it.
        using var scope = NewDisposeScope();
        var y = tensor(new[] { 0.123456789, 0.5, 0.987654321 }, dtype: float64);
        var root = MultiBinBisection.Solve(grid => grid, y, new InversionOptions(Bins: 11, Tolerance: 1e-6));
        Assert.True((root - y).abs().max().item<double>() <= 0.5e-6);
        var oneRound = MultiBinBisection.Solve(grid => grid, y, new InversionOptions(Bins: 11, MaxIterations: 1));
        Assert.True((oneRound - y).abs().max().item<double>() <= 0.05 + 1e-12);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Smooth_step_is_flat_at_both_ends(bool useK2)
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { -0.5, 0.0, 1e-4, 0.5, 1.0 - 1e-4, 1.0, 1.5 }, dtype: float64);
        var a = full_like(x, 1.0);
        var (g, derivative, _) = SmoothStep.Evaluate(x, a, useK2 ? 2 : 1);
        Assert.Equal([0, 0, 0, 0.5, 1, 1, 1], g.data<double>().ToArray().Select(v => Math.Round(v, 12)));
        Assert.Equal(0, derivative![0].item<double>());
        Assert.Equal(0, derivative[^1].item<double>());
        Assert.True(derivative[3].item<double>() > 0);
    }
}
