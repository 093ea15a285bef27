using static TorchSharp.torch;

namespace Orchestrator.Training.Sbi;

/// <summary>
/// lotka_volterra (θ 4, x 20): θ = (α, β, γ, δ) ~ LogNormal((−0.125, −3, −0.125, −3), 0.5);
/// u' = αu − βuv, v' = −γv + δuv from (30, 1); at t = 0, 2.1, …, 18.9 (every 21st of sbibm's 0.1-day grid)
/// x = LogNormal(log(clamp(state, 1e-10, 1e4)), 0.1), the 10 prey values first, then the 10 predator values.
/// </summary>
public sealed class LotkaVolterra : ISbiTask
{
    /// <summary>Log-normal observation noise.</summary>
    public const double NoiseScale = 0.1;

    private static readonly double[] s_mu = { -0.125, -3.0, -0.125, -3.0 };
    private static readonly double[] s_sigma = { 0.5, 0.5, 0.5, 0.5 };

    public string Name => "lotka_volterra";
    public int ThetaDim => 4;
    public int XDim => 20;

    /// <summary>Observation times.</summary>
    public static double[] Times { get; } = Enumerable.Range(0, 10).Select(k => 2.1 * k).ToArray();

    /// <summary>Initial (prey, predator).</summary>
    public static double[] InitialState { get; } = { 30.0, 1.0 };

    public Tensor SamplePrior(int n, Generator rng) => Priors.LogNormal(n, s_mu, s_sigma, rng);

    public Tensor InPriorSupport(Tensor theta) => Priors.Positive(theta);

    /// <summary>The Lotka–Volterra right-hand side for θ = (α, β, γ, δ).</summary>
    public static OdeRhs Rhs(double[] theta)
    {
        double alpha = theta[0], beta = theta[1], gamma = theta[2], delta = theta[3];
        return (_, y, dy) =>
        {
            dy[0] = alpha * y[0] - beta * y[0] * y[1];
            dy[1] = -gamma * y[1] + delta * y[0] * y[1];
        };
    }

    /// <summary>Solves the ODE for every row: states [n, 10 times, 2] row-major; failed rows NaN.</summary>
    public static (double[] States, int Failed) SolveAll(Tensor theta) =>
        OdeBatch.Solve(theta.contiguous().data<double>().ToArray(), 4, Rhs, 0.0, InitialState, Times);

    public Tensor Simulate(Tensor theta, Generator rng)
    {
        Priors.CheckTheta(this, theta);
        var n = (int)theta.shape[0];
        var t = Times.Length;
        var (states, _) = SolveAll(theta);
        var logMean = new double[n * 2 * t];
        var failed = new bool[n];
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < t; k++)
            {
                for (var s = 0; s < 2; s++)
                {
                    var v = states[(i * t + k) * 2 + s];
                    failed[i] |= double.IsNaN(v);
                    // Species-major layout: prey at columns 0..9, predator at 10..19.
                    logMean[i * 2 * t + s * t + k] = double.IsNaN(v) ? 0.0 : Math.Log(Math.Clamp(v, 1e-10, 1e4));
                }
            }
        }
        using var scope = NewDisposeScope();
        var mean = tensor(logMean, new long[] { n, 2 * t }, ScalarType.Float64);
        var e = randn(new long[] { n, 2 * t }, ScalarType.Float64, generator: rng);
        var x = (mean + NoiseScale * e).exp();
        return NaNRows.Apply(x, failed).MoveToOuterDisposeScope();
    }
}
