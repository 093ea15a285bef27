using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows.Toys;

/// <summary>Settings of the flow-as-potential dynamics (unit masses, kT = 1 initial velocities).</summary>
public sealed record NveOptions(int Walkers = 256, int Steps = 2000, double TimeStep = 2e-4);

/// <summary>Energy conservation of the dynamics: |E(t) − E(0)| averaged over walkers.</summary>
/// <param name="FinalDrift">mean over walkers of |E(T) − E(0)|.</param>
/// <param name="MaxDeviation">mean over walkers of max_t |E(t) − E(0)|.</param>
public sealed record NveResult(double FinalDrift, double MaxDeviation);

/// <summary>
/// NVE molecular dynamics with the learned potential V = −log q and force ∇ log q (velocity Verlet). Smooth
/// flows conserve the energy up to the integrator's O(Δt²) error; discontinuous spline forces kick it.
/// Positions wrap on the torus and reflect (elastically) at the walls of the box.
/// </summary>
public static class NveDynamics
{
    public static NveResult Run(CouplingFlow flow, Tensor start, NveOptions options, Generator generator)
    {
        using var scope = NewDisposeScope();
        var dtype = flow.parameters().First().dtype;
        using var dt = options.TimeStep.ToScalar();
        using var halfDt = (0.5 * options.TimeStep).ToScalar();
        var x = start.narrow(0, 0, Math.Min(options.Walkers, start.shape[0])).to(dtype);
        var v = randn(x.shape, dtype: dtype, generator: generator);
        var (potential, force) = PotentialAndForce(flow, x);
        var initial = Total(potential, v);
        var maxDeviation = zeros_like(initial);
        for (var step = 0; step < options.Steps; step++)
        {
            using var stepScope = NewDisposeScope();
            v = v + force * halfDt;
            (x, v) = Confine(x + v * dt, v, flow.Options.Circular);
            (potential, force) = PotentialAndForce(flow, x);
            v = v + force * halfDt;
            maxDeviation = maximum(maxDeviation, (Total(potential, v) - initial).abs());
            foreach (var t in new[] { x, v, potential, force, maxDeviation })
                t.MoveToOuterDisposeScope();
        }
        var finalDrift = (Total(potential, v) - initial).abs().mean().ToDouble();
        return new NveResult(finalDrift, maxDeviation.mean().ToDouble());
    }

    private static Tensor Total(Tensor potential, Tensor velocity) => potential + Constants.Half * (velocity * velocity).sum(1);

    private static (Tensor Potential, Tensor Force) PotentialAndForce(CouplingFlow flow, Tensor x)
    {
        var (logProb, force) = FlowLosses.LogProbAndForce(flow, x, createGraph: false);
        return ((-logProb).detach(), force.detach());
    }

    private static (Tensor X, Tensor V) Confine(Tensor x, Tensor v, bool circular)
    {
        if (circular)
            return (x.remainder(Constants.One), v);
        var below = x.lt(Constants.Zero);
        var above = x.gt(Constants.One);
        var reflected = where(below, -x, where(above, Constants.Two - x, x));
        return (reflected, where(below.logical_or(above), -v, v));
    }
}
