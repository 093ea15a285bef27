using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>
/// Classical fixed-step Runge–Kutta 4 for a flow and its log-density change: dx/dt = v, dℓ/dt = div v.
/// Used for training: every stage stays on the autograd graph, so the loss backpropagates through the steps.
/// </summary>
public static class Rk4Integrator
{
    /// <summary>
    /// Integrates from x(t0) = <paramref name="x0"/> to t1 (t1 &lt; t0 runs backwards) in <paramref name="steps"/>
    /// equal steps. Returns x(t1) and ∫_{t0}^{t1} div v(x(t), t) dt per row.
    /// </summary>
    public static (Tensor X, Tensor IntegratedDivergence) Integrate(IVelocityField field, Tensor x0, double t0, double t1, int steps)
    {
        if (steps < 1)
            throw new ArgumentOutOfRangeException(nameof(steps), "RK4 needs at least one step.");
        using var scope = NewDisposeScope();
        var h = (t1 - t0) / steps;
        // Owned Scalars: a temporary one could be finalised while libtorch still reads it.
        using var half = (h / 2).ToScalar();
        using var full = h.ToScalar();
        using var sixth = (h / 6).ToScalar();
        using var two = 2.0.ToScalar();
        var x = x0;
        var integral = zeros(x0.shape[0], dtype: x0.dtype, device: x0.device);
        for (var step = 0; step < steps; step++)
        {
            using var stepScope = NewDisposeScope();
            var t = t0 + step * h;
            var (k1, l1) = field.Evaluate(x, Time(t, x0));
            var (k2, l2) = field.Evaluate(x.add(k1, half), Time(t + h / 2, x0));
            var (k3, l3) = field.Evaluate(x.add(k2, half), Time(t + h / 2, x0));
            var (k4, l4) = field.Evaluate(x.add(k3, full), Time(t + h, x0));
            x = x.add(k1.add(k2, two).add(k3, two).add(k4), sixth).MoveToOuterDisposeScope();
            integral = integral.add(l1.add(l2, two).add(l3, two).add(l4), sixth).MoveToOuterDisposeScope();
        }
        return (x.MoveToOuterDisposeScope(), integral.MoveToOuterDisposeScope());
    }

    private static Tensor Time(double t, Tensor like) => tensor(t, dtype: like.dtype, device: like.device);
}
