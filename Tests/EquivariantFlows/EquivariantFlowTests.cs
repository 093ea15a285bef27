using Orchestrator.Training.Boltzmann;
using Orchestrator.Training.EquivariantFlows;
using static TorchSharp.torch;

namespace Orchestrator.Tests.EquivariantFlows;

public sealed class EquivariantFlowTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Integrated_flow_is_equivariant_and_its_log_density_invariant(bool adaptive)
    {
        using var rng = new Generator(21);
        using var model = new EquivariantCnf(new DoubleWell4(), new EcnfOptions(), rng);
        using (no_grad())
            model.Field.Bias.copy_(randn(model.Field.Bias.shape, dtype: float64, generator: rng) * 0.3);
        var z = model.SamplePrior(6, rng);
        var angle = -1.1;
        var rotation = tensor(new[,] { { Math.Cos(angle), -Math.Sin(angle) }, { Math.Sin(angle), Math.Cos(angle) } }, dtype: float64);
        var permutation = new long[] { 3, 1, 0, 2 };
        var shift = tensor(new[] { -0.6, 2.0 }, dtype: float64).repeat(4);
        // Dormand–Prince's error norm weighs coordinates one by one, so a rotated batch takes slightly different
        // steps: adaptive results are equivariant up to the integration tolerance (rtol 1e-5), RK4 ones to rounding.
        var tolerance = adaptive ? 1e-5 : 1e-10;

        var (x, logDet) = model.Generate(z, adaptive);
        var (xRotated, logDetRotated) = model.Generate(RadialVelocityFieldTests.Rotate(z, rotation), adaptive);
        var (xPermuted, logDetPermuted) = model.Generate(RadialVelocityFieldTests.Permute(z, permutation), adaptive);
        var (xShifted, logDetShifted) = model.Generate(z + shift, adaptive);

        RadialVelocityFieldTests.AssertClose(RadialVelocityFieldTests.Rotate(x, rotation), xRotated, "rotation", tolerance);
        RadialVelocityFieldTests.AssertClose(logDet, logDetRotated, "rotation (log det)", tolerance);
        RadialVelocityFieldTests.AssertClose(RadialVelocityFieldTests.Permute(x, permutation), xPermuted, "permutation", tolerance);
        RadialVelocityFieldTests.AssertClose(logDet, logDetPermuted, "permutation (log det)", tolerance);
        RadialVelocityFieldTests.AssertClose(x + shift, xShifted, "translation", tolerance);
        RadialVelocityFieldTests.AssertClose(logDet, logDetShifted, "translation (log det)", tolerance);
        Assert.True(logDet.abs().max().ToDouble() > 1e-2, "the test flow must change volume");
    }

    [Fact]
    public void RealNvp_likelihood_matches_the_jacobian_of_the_subspace_map_and_inverts()
    {
        using var rng = new Generator(5);
        using var model = new RealNvpGenerator(new DoubleWell4(), couplings: 3, hidden: 8, rng);
        using (no_grad())
            foreach (var p in model.parameters())
                p.add_(randn(p.shape, dtype: float64, generator: rng) * 0.3);
        var z = model.SamplePrior(5, rng);

        var (x, logDet) = model.Generate(z, adaptive: true);
        var nll = model.NegativeLogLikelihood(x, adaptive: true);

        // Unnormalised NLL = 0.5|z|² − log|det ∂z/∂x| and log|det ∂z/∂x| = −log|det ∂x/∂z|.
        var expected = (z * z).sum(1) * 0.5 + logDet;
        RadialVelocityFieldTests.AssertClose(expected, nll, "NLL of generated samples", 1e-9);
        // The generating map in subspace coordinates: its Jacobian's log-determinant equals the reported one.
        var basis = MeanFreeBasis.Create(4, 2, float64);
        RadialVelocityFieldTests.AssertClose(eye(6, dtype: float64), basis.t().matmul(basis), "orthonormal basis");
        var y = z.matmul(basis).requires_grad_(true);
        var (mapped, _) = model.Generate(y.matmul(basis.t()), adaptive: false);
        var jacobian = Orchestrator.Training.Autodiff.SafeGrad.BatchJacobian(mapped.matmul(basis), y);
        var (_, autogradLogDet) = linalg.slogdet(jacobian);
        RadialVelocityFieldTests.AssertClose(autogradLogDet, logDet, "log|det| vs autograd", 1e-9);
        Assert.True(logDet.abs().max().ToDouble() > 1e-2, "the test flow must change volume");
    }
}
