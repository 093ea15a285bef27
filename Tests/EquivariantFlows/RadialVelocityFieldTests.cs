using Orchestrator.Training.Autodiff;
using Orchestrator.Training.EquivariantFlows;
using static TorchSharp.torch;

namespace Orchestrator.Tests.EquivariantFlows;

public sealed class RadialVelocityFieldTests
{
    private const int Particles = 4, Dimensions = 2;

    /// <summary>A field with non-trivial W, b and perturbed widths, so every term of the divergence matters.</summary>
    internal static RadialVelocityField RandomField(ulong seed)
    {
        using var rng = new Generator(seed);
        var field = new RadialVelocityField(Particles, Dimensions, new EcnfOptions(), float64, rng);
        using (no_grad())
        {
            field.Bias.copy_(randn(field.Bias.shape, dtype: float64, generator: rng));
            foreach (var (name, p) in field.named_parameters().Where(p => p.name.EndsWith("log_widths")))
                p.add_(randn(p.shape, dtype: float64, generator: rng) * 0.2);
        }
        return field;
    }

    internal static Tensor RandomConfigurations(int rows, ulong seed)
    {
        using var rng = new Generator(seed);
        return randn([rows, Particles * Dimensions], dtype: float64, generator: rng) * 2.0;
    }

    [Fact]
    public void Exact_divergence_equals_the_autograd_trace_of_the_jacobian()
    {
        using var field = RandomField(3);
        var x = RandomConfigurations(16, 4).requires_grad_(true);
        using var t = tensor(0.37, dtype: float64);

        var (velocity, divergence) = field.Evaluate(x, t);
        var jacobian = SafeGrad.BatchJacobian(velocity, x);
        var trace = jacobian.diagonal(dim1: 1, dim2: 2).sum(1);

        var error = (divergence - trace).abs().max().ToDouble();
        var scale = trace.abs().max().ToDouble();
        Assert.True(scale > 1e-2, $"the test field is too weak to test anything (max |trace| {scale})");
        Assert.True(error < 1e-10 * Math.Max(1, scale), $"max |div − tr J| = {error:E2} (max |tr J| {scale:F3})");
    }

    [Fact]
    public void Field_is_equivariant_to_rotation_permutation_and_translation_and_keeps_the_centre_of_mass()
    {
        using var field = RandomField(5);
        var x = RandomConfigurations(8, 6);
        using var t = tensor(0.8, dtype: float64);
        var (v, div) = field.Evaluate(x, t);

        var angle = 0.7;
        var rotation = tensor(new[,] { { Math.Cos(angle), -Math.Sin(angle) }, { Math.Sin(angle), Math.Cos(angle) } }, dtype: float64);
        var rotated = Rotate(x, rotation);
        var (vRotated, divRotated) = field.Evaluate(rotated, t);
        AssertClose(Rotate(v, rotation), vRotated, "rotation");
        AssertClose(div, divRotated, "rotation (divergence)");

        var permutation = new long[] { 2, 0, 3, 1 };
        var (vPermuted, divPermuted) = field.Evaluate(Permute(x, permutation), t);
        AssertClose(Permute(v, permutation), vPermuted, "permutation");
        AssertClose(div, divPermuted, "permutation (divergence)");

        var shift = tensor(new[] { 1.3, -0.4 }, dtype: float64).repeat(Particles);
        var (vShifted, divShifted) = field.Evaluate(x + shift, t);
        AssertClose(v, vShifted, "translation");
        AssertClose(div, divShifted, "translation (divergence)");

        var centreVelocity = v.reshape(-1, Particles, Dimensions).sum(1).abs().max().ToDouble();
        Assert.True(centreVelocity < 1e-12, $"Σ_i v_i = {centreVelocity:E2}");
    }

    internal static Tensor Rotate(Tensor x, Tensor rotation) =>
        x.reshape(x.shape[0], Particles, Dimensions).matmul(rotation.t()).reshape(x.shape[0], -1);

    internal static Tensor Permute(Tensor x, long[] permutation) =>
        x.reshape(x.shape[0], Particles, Dimensions).index_select(1, tensor(permutation)).reshape(x.shape[0], -1);

    internal static void AssertClose(Tensor expected, Tensor actual, string what, double tolerance = 1e-10)
    {
        var error = (expected - actual).abs().max().ToDouble();
        Assert.True(error < tolerance, $"{what}: max difference {error:E2}");
    }
}
