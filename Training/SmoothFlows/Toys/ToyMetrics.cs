using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows.Toys;

/// <summary>How well a trained flow matches a toy density, and how smooth and invertible it is.</summary>
/// <param name="HeldOutNll">−mean log q on held-out Metropolis samples.</param>
/// <param name="ForceRmse">√ mean over held-out samples and coordinates of (∇ log q − (−∇U))².</param>
/// <param name="MaxForceJump">max ‖∇ log q(p_{i+1}) − ∇ log q(p_i)‖ along a fine line through the domain (discontinuities stay
/// finite as the line is refined, smooth changes shrink with the spacing).</param>
/// <param name="RoundTripError">max |T⁻¹(T(x)) − x| on held-out samples (periodic distance on the torus).</param>
public sealed record ToyMetrics(double HeldOutNll, double ForceRmse, double MaxForceJump, double RoundTripError);

/// <summary>Computes <see cref="ToyMetrics"/> in chunks (no training graph is kept).</summary>
public static class ToyMetricsEvaluator
{
    private const int Chunk = 4096;

    /// <summary>Points on the line from (0.02, 0.3) to (0.98, 0.7): it crosses several rings and both coordinates vary.</summary>
    public static Tensor ProbeLine(int points, ScalarType dtype)
    {
        return stack([linspace(0.02, 0.98, points, dtype: dtype), linspace(0.3, 0.7, points, dtype: dtype)], 1);
    }

    public static ToyMetrics Evaluate(CouplingFlow flow, ToyData data, int linePoints = 20001, int roundTripSamples = 2000)
    {
        using var scope = NewDisposeScope();
        var dtype = flow.parameters().First().dtype;
        var heldOut = data.HeldOut.to(dtype);
        double nllSum = 0, squaredSum = 0;
        for (long start = 0; start < heldOut.shape[0]; start += Chunk)
        {
            using var chunkScope = NewDisposeScope();
            var x = Slice(heldOut, start);
            var (logProb, force) = FlowLosses.LogProbAndForce(flow, x, createGraph: false);
            var residual = force - Slice(data.HeldOutForce, start).to(dtype);
            nllSum -= logProb.sum().ToDouble();
            squaredSum += (residual * residual).sum().ToDouble();
        }
        var n = heldOut.shape[0];
        var line = ProbeLine(linePoints, dtype);
        var lineForces = new List<Tensor>();
        for (long start = 0; start < line.shape[0]; start += Chunk)
            lineForces.Add(FlowLosses.LogProbAndForce(flow, Slice(line, start), createGraph: false).Force.detach());
        var forces = cat(lineForces, 0);
        var jump = (forces[1..] - forces[..^1]).norm(1).max().ToDouble();
        return new ToyMetrics(nllSum / n, Math.Sqrt(squaredSum / (2.0 * n)), jump, RoundTripError(flow, heldOut.narrow(0, 0, Math.Min(roundTripSamples, n))));
    }

    private static Tensor Slice(Tensor t, long start) => t.narrow(0, start, Math.Min(Chunk, t.shape[0] - start));

    private static double RoundTripError(CouplingFlow flow, Tensor x)
    {
        using var _ = no_grad();
        var (z, _) = flow.ToLatent(x);
        var (back, _) = flow.ToData(z);
        var difference = (back - x).abs();
        if (flow.Options.Circular)
            difference = minimum(difference, Constants.One - difference);
        return difference.max().ToDouble();
    }
}
