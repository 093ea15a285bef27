using Orchestrator.Training.EquivariantFlows;
using static TorchSharp.torch;

namespace Orchestrator.Tests.EquivariantFlows;

public sealed class IntegratorTests
{
    /// <summary>v(x) = A x: x(t) = exp(tA) x(0) and ∫ div v dt = t·tr A, whatever x.</summary>
    private sealed class LinearField(Tensor a) : IVelocityField
    {
        public (Tensor Velocity, Tensor Divergence) Evaluate(Tensor x, Tensor t) =>
            (x.matmul(a.t()), a.trace().expand(x.shape[0]));
    }

    private static readonly double[,] Matrix = { { -0.4, 0.9, 0.1 }, { -0.7, 0.2, 0.3 }, { 0.05, -0.2, -0.6 } };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Log_density_of_a_linear_field_matches_the_analytic_value(bool adaptive)
    {
        var a = tensor(Matrix, dtype: float64);
        var field = new LinearField(a);
        using var rng = new Generator(11);
        var x0 = randn([5, 3], dtype: float64, generator: rng);

        var (x1, integral) = adaptive
            ? Unpack(AdaptiveIntegrator.Integrate(field, x0, 0, 1, 1e-10, 1e-12))
            : Rk4Integrator.Integrate(field, x0, 0, 1, 200);
        var (back, backIntegral) = Rk4Integrator.Integrate(field, x1, 1, 0, 200);

        var expectedX = x0.matmul(linalg.matrix_exp(a).t());
        var expectedIntegral = a.trace().ToDouble(); // tr A = −0.8
        Assert.True((x1 - expectedX).abs().max().ToDouble() < 1e-9, "x(1) = exp(A) x(0)");
        Assert.True((integral - expectedIntegral).abs().max().ToDouble() < 1e-12, $"∫ div v dt = tr A, got {integral[0].ToDouble()}");
        Assert.True((backIntegral + expectedIntegral).abs().max().ToDouble() < 1e-12, "backwards integral = −tr A");
        Assert.True((back - x0).abs().max().ToDouble() < 1e-9, "integrating back returns to x(0)");
    }

    private static (Tensor, Tensor) Unpack(AdaptiveIntegrator.Solution solution) => (solution.X, solution.IntegratedDivergence);
}
