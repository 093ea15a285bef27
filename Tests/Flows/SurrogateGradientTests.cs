using Orchestrator.Training.Flows;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Flows;

public sealed class SurrogateGradientTests
{
    private static readonly double[,] Matrix = { { 1.5, 0.3, -0.2 }, { 0.1, 0.8, 0.4 }, { -0.3, 0.2, 1.2 } };

    private static (FreeFormFlow Flow, LinearNet Encoder) InvertibleLinearFlow()
    {
        var a = tensor(Matrix, dtype: float64);
        var encoder = new LinearNet(a);
        var decoder = new LinearNet(linalg.inv(a));
        return (new FreeFormFlow(encoder, decoder, 3), encoder);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Surrogate_gradient_averages_to_the_log_det_gradient(int hutchinsonSamples)
    {
        var (flow, encoder) = InvertibleLinearFlow();
        using var rng = new Generator(7);
        var theta = randn([40_000, 3], dtype: float64, generator: rng);
        var c = zeros([40_000, 1], dtype: float64);
        var x = theta.requires_grad_(true);
        var z = flow.Encode(x, c);
        var thetaHat = flow.Decode(z, c);
        var vectors = FreeFormFlowLoss.HutchinsonVectors(40_000, 3, hutchinsonSamples, float64, CPU, rng);

        FreeFormFlowLoss.Surrogate(x, z, thetaHat, vectors).mean().backward();

        // ∇_A log|det A| = A⁻ᵀ
        var expected = linalg.inv(tensor(Matrix, dtype: float64)).t();
        var relativeError = (encoder.Weight.grad! - expected).norm().ToDouble() / expected.norm().ToDouble();
        Assert.True(relativeError < 0.03, $"relative error {relativeError:F4} of the surrogate gradient (K = {hutchinsonSamples})");
    }

    [Fact]
    public void Hutchinson_vectors_lie_on_the_sqrt_d_sphere_and_are_orthogonal()
    {
        using var rng = new Generator(3);
        var v = FreeFormFlowLoss.HutchinsonVectors(100, 5, 3, float64, CPU, rng);
        var gram = v.transpose(1, 2).bmm(v); // [B, K, K] = 5·I
        var expected = eye(3, dtype: float64) * 5;
        Assert.True((gram - expected).abs().max().ToDouble() < 1e-9);
    }

    [Fact]
    public void Exact_log_likelihood_matches_the_analytic_value()
    {
        var (flow, _) = InvertibleLinearFlow();
        using var rng = new Generator(11);
        var theta = randn([64, 3], dtype: float64, generator: rng);
        var c = zeros([64, 1], dtype: float64);
        var a = tensor(Matrix, dtype: float64);
        var z = theta.mm(a.t());
        var analytic = -0.5 * z.square().sum(1) - 1.5 * Math.Log(2 * Math.PI) + Math.Log(Math.Abs(linalg.det(a).ToDouble()));

        var decoder = ExactLikelihood.DecoderLogProb(flow, theta, c);
        var encoder = ExactLikelihood.EncoderLogProb(flow, theta, c);

        Assert.True((decoder - analytic).abs().max().ToDouble() < 1e-9);
        Assert.True((encoder - analytic).abs().max().ToDouble() < 1e-9);
        Assert.True(ExactLikelihood.Reconstruction(flow, theta, c).max().ToDouble() < 1e-20);
    }

    [Fact]
    public void Loss_of_an_exact_inverse_pair_has_no_reconstruction_and_gives_every_network_a_gradient()
    {
        var (flow, encoder) = InvertibleLinearFlow();
        using var rng = new Generator(5);
        var theta = randn([256, 3], dtype: float64, generator: rng);
        var c = zeros([256, 1], dtype: float64);

        using var terms = FreeFormFlowLoss.Compute(flow, theta, c, beta: 10, hutchinsonSamples: 1, rng);
        terms.Loss.backward();

        Assert.True(terms.Reconstruction < 1e-20);
        Assert.True(double.IsFinite(terms.Nll));
        Assert.All(flow.parameters(), p => Assert.True(p.grad is not null && p.grad.abs().sum().ToDouble() > 0));
    }
}
