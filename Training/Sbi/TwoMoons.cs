using static TorchSharp.torch;

namespace Orchestrator.Training.Sbi;

/// <summary>
/// two_moons (θ 2, x 2): θ ~ U(−1,1)²; a crescent of radius r ~ N(0.1, 0.01²) at angle a ~ U(−π/2, π/2),
/// shifted by (−|θ1+θ2|/√2, (−θ1+θ2)/√2). The absolute value makes the posterior bimodal.
/// </summary>
public sealed class TwoMoons : ISbiTask
{
    public string Name => "two_moons";
    public int ThetaDim => 2;
    public int XDim => 2;

    public Tensor SamplePrior(int n, Generator rng) => Priors.UniformBox(n, ThetaDim, -1.0, 1.0, rng);

    public Tensor InPriorSupport(Tensor theta) => Priors.InBox(theta, -1.0, 1.0);

    public Tensor Simulate(Tensor theta, Generator rng)
    {
        Priors.CheckTheta(this, theta);
        using var scope = NewDisposeScope();
        var n = theta.shape[0];
        var a = (rand(new long[] { n }, ScalarType.Float64, generator: rng) - 0.5) * Math.PI;
        var r = 0.1 + 0.01 * randn(new long[] { n }, ScalarType.Float64, generator: rng);
        var p0 = r * a.cos() + 0.25;
        var p1 = r * a.sin();
        var t0 = theta[.., 0];
        var t1 = theta[.., 1];
        var x0 = p0 - (t0 + t1).abs() / Math.Sqrt(2.0);
        var x1 = p1 + (t1 - t0) / Math.Sqrt(2.0);
        return stack(new[] { x0, x1 }, 1).MoveToOuterDisposeScope();
    }
}
