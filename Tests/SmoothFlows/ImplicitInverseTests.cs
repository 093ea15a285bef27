using Orchestrator.Training.SmoothFlows;
using static TorchSharp.torch;

namespace Orchestrator.Tests.SmoothFlows;

/// <summary>
/// The black-box inverse's gradients (implicit function theorem, no backprop through the bisection) against
/// central finite differences of the inverse itself, for the input, the conditioning and the network parameters,
/// first and second order. L = Σ a·x(y, h) + Σ b·log|dx/dy|(y, h) with fixed random a, b.
/// </summary>
public sealed class ImplicitInverseTests
{
    private const double Step = 1e-5;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void First_derivatives_match_finite_differences(bool circular)
    {
        using var scope = NewDisposeScope();
        using var transform = TransformFixture.Create(TransformKind.Smooth, circular);
        var (y, h, a, b) = Setup(transform);
        var parameters = transform.parameters().ToArray();
        var directions = parameters.Select(p => randn_like(p)).ToArray();

        var yLeaf = y.clone().requires_grad_(true);
        var hLeaf = h.clone().requires_grad_(true);
        var loss = Loss(transform, yLeaf, hLeaf, a, b);
        var grads = autograd.grad([loss], [yLeaf, hLeaf, .. parameters]);

        var dy = randn_like(y);
        var dh = randn_like(h);
        AssertClose(Directional(grads[0], dy), Central(s => Loss(transform, y + dy * s, h, a, b)), "∂L/∂y");
        AssertClose(Directional(grads[1], dh), Central(s => Loss(transform, y, h + dh * s, a, b)), "∂L/∂h (conditioning)");
        var analytic = grads.Skip(2).Zip(directions, Directional).Sum();
        AssertClose(analytic, Central(s => WithShiftedParameters(parameters, directions, s, () => Loss(transform, y, h, a, b))), "∂L/∂θ");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Second_derivatives_through_the_inverse_match_finite_differences(bool circular)
    {
        // G = ⟨v, ∂L/∂y⟩ contains the force of the inverse (−F″/F′²); its own gradients need the second order.
        using var scope = NewDisposeScope();
        using var transform = TransformFixture.Create(TransformKind.Smooth, circular);
        var (y, h, a, b) = Setup(transform);
        var v = randn_like(y);
        var parameters = transform.parameters().ToArray();
        var directions = parameters.Select(p => randn_like(p)).ToArray();

        var yLeaf = y.clone().requires_grad_(true);
        var hLeaf = h.clone().requires_grad_(true);
        var g = ForceProjection(transform, yLeaf, hLeaf, a, b, v, createGraph: true);
        var grads = autograd.grad([g], [yLeaf, hLeaf, .. parameters]);

        var dy = randn_like(y);
        var dh = randn_like(h);
        AssertClose(Directional(grads[0], dy), Central(s => Force(transform, y + dy * s, h, a, b, v)), "∂²L/∂y²");
        AssertClose(Directional(grads[1], dh), Central(s => Force(transform, y, h + dh * s, a, b, v)), "∂²L/∂y∂h");
        var analytic = grads.Skip(2).Zip(directions, Directional).Sum();
        AssertClose(analytic, Central(s => WithShiftedParameters(parameters, directions, s, () => Force(transform, y, h, a, b, v))), "∂²L/∂y∂θ");
    }

    private static (Tensor Y, Tensor H, Tensor A, Tensor B) Setup(CouplingTransform transform)
    {
        var (x, h) = TransformFixture.Inputs(64);
        using var _ = no_grad();
        var y = transform.Forward(x, h).Y;
        var generator = new Generator(5);
        return (y, h, randn(y.shape, dtype: float64, generator: generator), randn(y.shape, dtype: float64, generator: generator));
    }

    private static Tensor Loss(CouplingTransform transform, Tensor y, Tensor h, Tensor a, Tensor b)
    {
        var (x, logDerivative) = transform.Inverse(y, h);
        return (a * x).sum() + (b * logDerivative).sum();
    }

    private static Tensor ForceProjection(CouplingTransform transform, Tensor y, Tensor h, Tensor a, Tensor b, Tensor v, bool createGraph)
    {
        var loss = Loss(transform, y, h, a, b);
        var dLdy = autograd.grad([loss], [y], retain_graph: true, create_graph: createGraph)[0];
        return (dLdy * v).sum();
    }

    private static double Force(CouplingTransform transform, Tensor y, Tensor h, Tensor a, Tensor b, Tensor v)
    {
        using var scope = NewDisposeScope();
        var leaf = y.detach().clone().requires_grad_(true);
        return ForceProjection(transform, leaf, h.detach(), a, b, v, createGraph: false).item<double>();
    }

    private static double Directional(Tensor gradient, Tensor direction) => (gradient * direction).sum().item<double>();

    private static double Central(Func<double, Tensor> f) => (f(Step).item<double>() - f(-Step).item<double>()) / (2 * Step);

    private static double Central(Func<double, double> f) => (f(Step) - f(-Step)) / (2 * Step);

    private static T WithShiftedParameters<T>(Tensor[] parameters, Tensor[] directions, double s, Func<T> evaluate)
    {
        using (no_grad())
        {
            for (var i = 0; i < parameters.Length; i++)
                parameters[i].add_(directions[i] * s);
        }
        try
        {
            return evaluate();
        }
        finally
        {
            using (no_grad())
            {
                for (var i = 0; i < parameters.Length; i++)
                    parameters[i].sub_(directions[i] * s);
            }
        }
    }

    private static void AssertClose(double analytic, double finiteDifference, string what)
    {
        var error = Math.Abs(analytic - finiteDifference) / Math.Max(1, Math.Abs(finiteDifference));
        Assert.True(error < 1e-5, $"{what}: implicit {analytic} vs finite difference {finiteDifference} (relative error {error})");
    }
}
