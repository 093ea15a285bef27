using static TorchSharp.torch;

namespace Orchestrator.Training.Sbi;

/// <summary>
/// sir (θ 2, x 10): θ = (β, γ) ~ LogNormal((ln 0.4, ln 0.125), (0.5, 0.2)); the SIR epidemic
/// S' = −βSI/N, I' = βSI/N − γI, R' = γI with N = 1e6 from (N−1, 1, 0); x_i ~ Binomial(1000, I(t_i)/N) at
/// t = 0, 17, …, 153 (sbibm saves daily and keeps every 17th day). ODE: Dormand–Prince 5(4), rtol = atol = 1e-8.
/// </summary>
public sealed class Sir : ISbiTask
{
    /// <summary>Population size.</summary>
    public const double Population = 1_000_000.0;

    /// <summary>Binomial trials per observation.</summary>
    public const int TotalCount = 1000;

    private static readonly double[] s_mu = { Math.Log(0.4), Math.Log(0.125) };
    private static readonly double[] s_sigma = { 0.5, 0.2 };

    public string Name => "sir";
    public int ThetaDim => 2;
    public int XDim => 10;

    /// <summary>Observation times in days.</summary>
    public static double[] Times { get; } = Enumerable.Range(0, 10).Select(k => 17.0 * k).ToArray();

    /// <summary>Initial state (S, I, R).</summary>
    public static double[] InitialState { get; } = { Population - 1.0, 1.0, 0.0 };

    public Tensor SamplePrior(int n, Generator rng) => Priors.LogNormal(n, s_mu, s_sigma, rng);

    public Tensor InPriorSupport(Tensor theta) => Priors.Positive(theta);

    /// <summary>The SIR right-hand side for θ = (β, γ).</summary>
    public static OdeRhs Rhs(double[] theta)
    {
        double beta = theta[0], gamma = theta[1];
        return (_, y, dy) =>
        {
            var infection = beta * y[0] * y[1] / Population;
            var recovery = gamma * y[1];
            dy[0] = -infection;
            dy[1] = infection - recovery;
            dy[2] = recovery;
        };
    }

    /// <summary>Solves the ODE for every row: states [n, 10 times, 3] row-major; failed rows NaN.</summary>
    public static (double[] States, int Failed) SolveAll(Tensor theta) =>
        OdeBatch.Solve(theta.contiguous().data<double>().ToArray(), 2, Rhs, 0.0, InitialState, Times);

    public Tensor Simulate(Tensor theta, Generator rng)
    {
        Priors.CheckTheta(this, theta);
        var n = (int)theta.shape[0];
        var (states, _) = SolveAll(theta);
        var prob = new double[n * Times.Length];
        var failed = new bool[n];
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < Times.Length; k++)
            {
                var infected = states[(i * Times.Length + k) * 3 + 1];
                failed[i] |= double.IsNaN(infected);
                prob[i * Times.Length + k] = Math.Clamp(infected / Population, 0.0, 1.0);
            }
        }
        using var scope = NewDisposeScope();
        var p = tensor(prob, new long[] { n, Times.Length }, ScalarType.Float64);
        p = where(isnan(p), zeros_like(p), p);
        var count = full(new long[] { n, Times.Length }, (double)TotalCount, ScalarType.Float64);
        // Noise is drawn after the (deterministic, parallel) solve, for every row, so the stream is reproducible.
        var x = binomial(count, p, rng);
        return NaNRows.Apply(x, failed).MoveToOuterDisposeScope();
    }
}

/// <summary>Marks failed simulations as rows of NaN.</summary>
internal static class NaNRows
{
    public static Tensor Apply(Tensor x, bool[] failed)
    {
        if (!failed.Any(f => f))
        {
            return x.alias();
        }
        using var scope = NewDisposeScope();
        var mask = tensor(failed).unsqueeze(1);
        return where(mask, full_like(x, double.NaN), x).MoveToOuterDisposeScope();
    }
}
