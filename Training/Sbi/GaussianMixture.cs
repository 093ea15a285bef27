using static TorchSharp.torch;

namespace Orchestrator.Training.Sbi;

/// <summary>
/// gaussian_mixture (θ 2, x 2): θ ~ U(−10,10)²; each sample picks, with probability ½, x ~ N(θ, I) or
/// x ~ N(θ, 0.01·I). The component is drawn per sample (not once per batch), as in the sbibm rerun.
/// </summary>
public sealed class GaussianMixture : ISbiTask
{
    public string Name => "gaussian_mixture";
    public int ThetaDim => 2;
    public int XDim => 2;

    public Tensor SamplePrior(int n, Generator rng) => Priors.UniformBox(n, ThetaDim, -10.0, 10.0, rng);

    public Tensor InPriorSupport(Tensor theta) => Priors.InBox(theta, -10.0, 10.0);

    public Tensor Simulate(Tensor theta, Generator rng)
    {
        Priors.CheckTheta(this, theta);
        using var scope = NewDisposeScope();
        var n = theta.shape[0];
        var broad = rand(new long[] { n, 1 }, ScalarType.Float64, generator: rng) < 0.5;
        var std = 0.1 + 0.9 * broad.to_type(ScalarType.Float64); // std 1 or 0.1
        var e = randn(new long[] { n, ThetaDim }, ScalarType.Float64, generator: rng);
        return (theta + std * e).MoveToOuterDisposeScope();
    }
}
