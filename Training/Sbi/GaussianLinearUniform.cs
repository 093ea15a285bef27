using static TorchSharp.torch;

namespace Orchestrator.Training.Sbi;

/// <summary>gaussian_linear_uniform (θ 10, x 10): θ ~ U(−1,1)¹⁰, x ~ N(θ, 0.1·I); the posterior is a truncated Gaussian.</summary>
public sealed class GaussianLinearUniform : ISbiTask
{
    public string Name => "gaussian_linear_uniform";
    public int ThetaDim => 10;
    public int XDim => 10;

    public Tensor SamplePrior(int n, Generator rng) => Priors.UniformBox(n, ThetaDim, -1.0, 1.0, rng);

    public Tensor InPriorSupport(Tensor theta) => Priors.InBox(theta, -1.0, 1.0);

    public Tensor Simulate(Tensor theta, Generator rng)
    {
        Priors.CheckTheta(this, theta);
        return GaussianNoise.Add(theta, GaussianLinear.Variance, rng);
    }
}
