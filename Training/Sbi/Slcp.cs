using static TorchSharp.torch;

namespace Orchestrator.Training.Sbi;

/// <summary>
/// slcp (θ 5, x 8): θ ~ U(−3,3)⁵; m = (θ1, θ2), s1 = θ3², s2 = θ4², ρ = tanh θ5,
/// Σ = [[s1², ρ s1 s2], [ρ s1 s2, s2²]] + 1e-6·I; x = 4 i.i.d. draws of N(m, Σ) flattened draw by draw
/// (x1a, x1b, x2a, x2b, …). Simple likelihood, complex (four-fold symmetric) posterior.
/// </summary>
public sealed class Slcp : ISbiTask
{
    /// <summary>Number of i.i.d. 2-d draws per θ.</summary>
    public const int Draws = 4;

    /// <summary>Diagonal jitter sbibm adds to Σ.</summary>
    public const double Jitter = 1e-6;

    public string Name => "slcp";
    public int ThetaDim => 5;
    public int XDim => 2 * Draws;

    public Tensor SamplePrior(int n, Generator rng) => Priors.UniformBox(n, ThetaDim, -3.0, 3.0, rng);

    public Tensor InPriorSupport(Tensor theta) => Priors.InBox(theta, -3.0, 3.0);

    public Tensor Simulate(Tensor theta, Generator rng)
    {
        Priors.CheckTheta(this, theta);
        return SimulateCore(theta, rng);
    }

    /// <summary>The 8 slcp values for θ [n, 5] (shared with slcp_distractors).</summary>
    internal static Tensor SimulateCore(Tensor theta, Generator rng)
    {
        using var scope = NewDisposeScope();
        var n = theta.shape[0];
        var m0 = theta[.., 0].unsqueeze(1);
        var m1 = theta[.., 1].unsqueeze(1);
        var s1 = theta[.., 2].square();
        var s2 = theta[.., 3].square();
        var rho = theta[.., 4].tanh();
        var c00 = s1.square() + Jitter;
        var c01 = rho * s1 * s2;
        var c11 = s2.square() + Jitter;
        // Closed-form 2×2 Cholesky factor: x = m + L ε.
        var l00 = c00.sqrt().unsqueeze(1);
        var l10 = (c01 / c00.sqrt()).unsqueeze(1);
        var l11 = (c11 - c01.square() / c00).clamp_min(0.0).sqrt().unsqueeze(1);
        var e = randn(new long[] { n, Draws, 2 }, ScalarType.Float64, generator: rng);
        var e0 = e[.., .., 0];
        var e1 = e[.., .., 1];
        var xa = m0 + l00 * e0;
        var xb = m1 + l10 * e0 + l11 * e1;
        return stack(new[] { xa, xb }, 2).reshape(n, 2 * Draws).MoveToOuterDisposeScope();
    }

    /// <summary>Σ(θ) for one θ, row-major 2×2 (used by tests).</summary>
    public static double[] Covariance(double[] theta)
    {
        var s1 = theta[2] * theta[2];
        var s2 = theta[3] * theta[3];
        var rho = Math.Tanh(theta[4]);
        return new[] { s1 * s1 + Jitter, rho * s1 * s2, rho * s1 * s2, s2 * s2 + Jitter };
    }
}
