using static TorchSharp.torch;

namespace Orchestrator.Training.Sbi;

/// <summary>
/// gaussian_linear (θ 10, x 10): θ ~ N(0, 0.1·I), x ~ N(θ, 0.1·I) (0.1 are variances).
/// The posterior is exact: N(x_o/2, 0.05·I), which makes it the sanity check of the benchmark.
/// </summary>
public sealed class GaussianLinear : ISbiTask
{
    /// <summary>Prior and noise variance.</summary>
    public const double Variance = 0.1;

    public string Name => "gaussian_linear";
    public int ThetaDim => 10;
    public int XDim => 10;

    public Tensor SamplePrior(int n, Generator rng) => Priors.IsotropicGaussian(n, ThetaDim, Variance, rng);

    public Tensor InPriorSupport(Tensor theta) => Priors.AllFinite(theta);

    public Tensor Simulate(Tensor theta, Generator rng)
    {
        Priors.CheckTheta(this, theta);
        return GaussianNoise.Add(theta, Variance, rng);
    }
}

/// <summary>x = θ + N(0, variance·I), shared by the linear Gaussian tasks.</summary>
internal static class GaussianNoise
{
    public static Tensor Add(Tensor theta, double variance, Generator rng)
    {
        using var scope = NewDisposeScope();
        var e = randn(theta.shape, ScalarType.Float64, generator: rng);
        return (theta + Math.Sqrt(variance) * e).MoveToOuterDisposeScope();
    }
}
