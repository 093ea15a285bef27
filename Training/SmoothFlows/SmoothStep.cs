using Orchestrator.Training.Numerics;
using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows;

/// <summary>
/// The C∞ smooth step g(x) = r(x) / (r(x) + r(1 − x)) built from the ramp r(x) = exp(a (1 − x^(−k))) (spec §1).
/// g is 0 for x ≤ 0 and 1 for x ≥ 1, and g′ is a smooth bump supported on [0, 1]. Written as a logistic of the
/// log-ratio, g = σ(a ((1 − x)^(−k) − x^(−k))), which never divides two underflowing ramps.
/// </summary>
public static class SmoothStep
{
    /// <summary>
    /// The argument is clamped to [Edge, 1 − Edge]. With a ≥ a_min the logit there is below −745 (k = 1) or
    /// −3·10⁵ (k = 2), so g and every derivative are exactly 0 (or 1) in float64 already and the clamp changes no
    /// value; it only keeps x^(−k−n) finite for higher derivatives (the spec's 1e-8 overflows them).
    /// </summary>
    public const double Edge = 1e-3;

    /// <summary>Smallest ramp slope that keeps the bump g′ unimodal (spec §1).</summary>
    public static double MinimumSlope(int k) => k switch
    {
        1 => 0.8656721,
        2 => 0.3052033,
        _ => throw new ArgumentOutOfRangeException(nameof(k), k, "The ramp power k is 1 or 2."),
    };

    /// <summary>g(x), g′(x) and log g′(x) elementwise (a broadcasts against x); the derivatives only when asked.</summary>
    public static (Tensor Value, Tensor? Derivative, Tensor? LogDerivative) Evaluate(Tensor x, Tensor a, int k, bool withDerivative = true)
    {
        MinimumSlope(k);
        var t = x.clamp(Constants.StepEdge, Constants.StepEdgeHigh);
        var u = t.OneMinus();
        var invT = t.reciprocal();
        var invU = u.reciprocal();
        var powT = k == 1 ? invT : invT * invT; // t^(−k)
        var powU = k == 1 ? invU : invU * invU;
        var logit = a * (powU - powT);
        var value = logit.sigmoid();
        if (!withDerivative)
            return (value, null, null);
        // g′ = g (1 − g) · a k (t^(−k−1) + u^(−k−1)), and its log without underflow at the ends.
        var slope = (powT * invT).Plus(powU * invU);
        var ak = k == 1 ? a : a * Constants.Two;
        var logDerivative = nn.functional.logsigmoid(logit).Plus(nn.functional.logsigmoid(-logit)).Plus(ak.log()).Plus(slope.log());
        var derivative = value * value.OneMinus() * ak * slope;
        return (value, derivative, logDerivative);
    }
}
