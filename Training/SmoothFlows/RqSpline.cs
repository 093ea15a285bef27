using TorchSharp;
using Orchestrator.Training.Numerics;
using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows;

/// <summary>
/// Monotone rational-quadratic spline on [0, 1] with K bins (Durkan et al. 2019), the non-smooth baseline:
/// analytic forward, derivative and inverse; C¹ only, so its forces jump at the knots. The circular variant
/// shares the boundary derivative so that the map is C¹ across 0 ≡ 1. Raw parameters per element are
/// [K widths, K heights, K + 1 derivatives] on the interval and [K, K, K] on the circle.
/// </summary>
public static class RqSpline
{
    private const double MinBin = 1e-3;
    private const double MinDerivative = 1e-3;
    private static readonly TorchSharp.Scalar MinBinScalar = MinBin.ToScalar();
    private static readonly TorchSharp.Scalar MinDerivativeScalar = MinDerivative.ToScalar();
    // softplus(raw + shift) + MinDerivative = 1 at raw = 0, so zero-initialised heads start at the identity.
    private static readonly TorchSharp.Scalar DerivativeShift = Math.Log(Math.Exp(1 - MinDerivative) - 1).ToScalar();

    /// <summary>Raw parameters per transformed element.</summary>
    public static int ParameterCount(int bins, bool circular) => circular ? 3 * bins : 3 * bins + 1;

    /// <summary>y = S(x) and log S′(x) for x [...] and raw parameters [..., ParameterCount].</summary>
    public static (Tensor Y, Tensor LogDerivative) Forward(Tensor x, Tensor raw, bool circular)
    {
        var k = Knots(raw, circular);
        var bin = BinIndex(x, k.X);
        var (x0, w, y0, h, d0, d1) = Gather(k, bin);
        var xi = (x - x0) / w;
        var (y, logDerivative) = Segment(xi, y0, h, w, d0, d1);
        return (y, logDerivative);
    }

    /// <summary>x = S⁻¹(y) and log |dx/dy| analytically (the root of the bin's quadratic).</summary>
    public static (Tensor X, Tensor LogDerivative) Inverse(Tensor y, Tensor raw, bool circular)
    {
        var k = Knots(raw, circular);
        var bin = BinIndex(y, k.Y);
        var (x0, w, y0, h, d0, d1) = Gather(k, bin);
        var s = h / w;
        var dy = y - y0;
        var sum = d1.Plus(d0) - Constants.Two * s;
        var a = (h * (s - d0)).Plus(dy * sum);
        var b = h * d0 - dy * sum;
        var c = -s * dy;
        var discriminant = (b * b - a * c * Constants.Four).clamp_min(Constants.Zero);
        var xi = Constants.Two * c / (-b - discriminant.sqrt());
        var (_, logDerivative) = Segment(xi, y0, h, w, d0, d1);
        return (x0.Plus(xi * w), -logDerivative);
    }

    private sealed record KnotSet(Tensor X, Tensor Y, Tensor Derivatives);

    private static KnotSet Knots(Tensor raw, bool circular)
    {
        var bins = (int)(circular ? raw.shape[^1] / 3 : (raw.shape[^1] - 1) / 3);
        var widths = BinSizes(raw[.., .., ..bins], bins);
        var heights = BinSizes(raw[.., .., bins..(2 * bins)], bins);
        var derivatives = nn.functional.softplus(raw[.., .., (2 * bins)..].Plus(DerivativeShift)).Plus(MinDerivativeScalar);
        if (circular)
            derivatives = cat([derivatives, derivatives[.., .., ..1]], -1);
        return new KnotSet(Cumulative(widths), Cumulative(heights), derivatives);
    }

    private static Tensor BinSizes(Tensor raw, int bins)
    {
        using var rest = (1 - MinBin * bins).ToScalar();
        return (raw.softmax(-1) * rest).Plus(MinBinScalar);
    }

    /// <summary>Knot positions [..., K + 1] from 0 to exactly 1.</summary>
    private static Tensor Cumulative(Tensor sizes)
    {
        var inner = sizes.cumsum(-1)[.., .., ..^1];
        return cat([zeros_like(sizes[.., .., ..1]), inner, ones_like(sizes[.., .., ..1])], -1);
    }

    /// <summary>The bin of each value: the number of interior knots at or below it.</summary>
    private static Tensor BinIndex(Tensor value, Tensor knots)
    {
        var interior = knots[.., .., 1..^1];
        return value.unsqueeze(-1).ge(interior).sum(-1, true, ScalarType.Int64);
    }

    private static (Tensor X0, Tensor W, Tensor Y0, Tensor H, Tensor D0, Tensor D1) Gather(KnotSet k, Tensor bin)
    {
        Tensor At(Tensor t, Tensor index) => t.gather(-1, index).squeeze(-1);
        var next = bin.add(Constants.OneIndex, Constants.OneIndex); // integral: an integral alpha
        var x0 = At(k.X, bin);
        var y0 = At(k.Y, bin);
        return (x0, At(k.X, next) - x0, y0, At(k.Y, next) - y0, At(k.Derivatives, bin), At(k.Derivatives, next));
    }

    /// <summary>The rational-quadratic segment at relative position ξ ∈ [0, 1] of its bin.</summary>
    private static (Tensor Y, Tensor LogDerivative) Segment(Tensor xi, Tensor y0, Tensor h, Tensor w, Tensor d0, Tensor d1)
    {
        var s = h / w;
        var xi1 = xi.OneMinus();
        var mix = xi * xi1;
        var denominator = s.Plus((d1.Plus(d0) - Constants.Two * s) * mix);
        var y = y0.Plus(h * (s * xi * xi).Plus(d0 * mix) / denominator);
        var numerator = s * s * (d1 * xi * xi).Plus(Constants.Two * s * mix).Plus(d0 * xi1 * xi1);
        return (y, numerator.log() - Constants.Two * denominator.log());
    }
}
