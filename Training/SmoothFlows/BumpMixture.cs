using Orchestrator.Training.Numerics;
using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows;

/// <summary>
/// The smooth transform of spec §1, evaluated analytically: K affine bump components (on [0, 1] or on the
/// circle 0 ≡ 1), each mixed with the identity by its density floor c, mixed by softmax weights:
/// y = Σ_k w_k ((1 − c_k) F_k(x) + c_k x),  log y′ = logsumexp_k(log w_k + log((1 − c_k) F_k′(x) + c_k)).
/// Everything is plain tensor algebra, so autograd gives F″ (forces) and derivatives with respect to the parameters.
/// </summary>
public static class BumpMixture
{
    /// <summary>y and log dy/dx for x [...] and parameters [..., K]; the ramp power k is 1 or 2.</summary>
    public static (Tensor Y, Tensor LogDerivative) Evaluate(Tensor x, BumpParameters p, bool circular, int k)
    {
        var (y, f, logF) = Mix(x, p, circular, k);
        var c = p.Floors;
        var carried = c.OneMinus().log().Plus(logF!);
        var logYk = stack([carried, c.log().expand_as(carried)], -1).logsumexp(-1, false);
        return (y, p.LogWeights.Plus(logYk).logsumexp(-1, false));
    }

    /// <summary>y alone (what the bisection evaluates on its grids).</summary>
    public static Tensor Value(Tensor x, BumpParameters p, bool circular, int k) => Mix(x, p, circular, k, withLog: false).Y;

    private static (Tensor Y, Tensor F, Tensor? LogF) Mix(Tensor x, BumpParameters p, bool circular, int k, bool withLog = true)
    {
        var xs = x.unsqueeze(-1);
        var scale = p.LogScales.exp();
        var (f, logF) = circular ? Circle(xs, p, scale, k, withLog) : Interval(xs, p, scale, k, withLog);
        var c = p.Floors;
        var yk = (c.OneMinus() * f).Plus(c * xs);
        return ((p.LogWeights.exp() * yk).sum(-1), f, logF);
    }

    /// <summary>One component on [0, 1]: F(x) = (g(s(x − m)) − g(−s m)) / (g(s(1 − m)) − g(−s m)), m = μ − 0.5/s.</summary>
    private static (Tensor F, Tensor? LogF) Interval(Tensor x, BumpParameters p, Tensor scale, int k, bool withLog)
    {
        var m = p.Centres - Constants.Half / scale;
        var (g, _, logG) = SmoothStep.Evaluate(scale * (x - m), p.Slopes, k, withLog);
        var (g0, _, _) = SmoothStep.Evaluate(-scale * m, p.Slopes, k, false);
        var (g1, _, _) = SmoothStep.Evaluate(scale * m.OneMinus(), p.Slopes, k, false);
        var normaliser = g1 - g0;
        return ((g - g0) / normaliser, withLog ? p.LogScales.Plus(logG!) - normaliser.log() : null);
    }

    /// <summary>
    /// One component on the circle (s ≥ 1): with m ← m mod 1 and u(z) = z mod 1,
    /// F(x) = g(s u(x − m)) − g(s u(−m)) + ⌊x − m⌋ + [m ≠ 0], so F(x + 1) = F(x) + 1 and F′ is periodic.
    /// </summary>
    private static (Tensor F, Tensor? LogF) Circle(Tensor x, BumpParameters p, Tensor scale, int k, bool withLog)
    {
        var m = (p.Centres - Constants.Half / scale).remainder(Constants.One);
        var shifted = x - m;
        var (g, _, logG) = SmoothStep.Evaluate(scale * shifted.remainder(Constants.One), p.Slopes, k, withLog);
        var (g0, _, _) = SmoothStep.Evaluate(scale * (-m).remainder(Constants.One), p.Slopes, k, false);
        var f = (g - g0).Plus(shifted.floor()).Plus(m.ne(Constants.Zero).to(x.dtype));
        return (f, withLog ? p.LogScales.Plus(logG!) : null);
    }
}
