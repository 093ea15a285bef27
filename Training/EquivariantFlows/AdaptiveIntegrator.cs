using Orchestrator.Training.Sbi;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>
/// Adaptive Dormand–Prince 5(4) integration of a flow and its log-density change, for evaluation (no graph).
/// Reuses the project's <see cref="DormandPrince45"/> on the joint state [x (flat), ℓ] of the whole batch, in
/// float64, with the error norm taken over the whole batch (as torchdiffeq does).
/// </summary>
public static class AdaptiveIntegrator
{
    /// <summary>The result: x(t1), ∫_{t0}^{t1} div v dt per row, and the accepted steps.</summary>
    public sealed record Solution(Tensor X, Tensor IntegratedDivergence, int Steps);

    /// <summary>Integrates from x(t0) = <paramref name="x0"/> to t1 (t1 &lt; t0 runs backwards) to the given tolerances.</summary>
    public static Solution Integrate(IVelocityField field, Tensor x0, double t0, double t1, double relativeTolerance, double absoluteTolerance)
    {
        var rows = (int)x0.shape[0];
        var columns = (int)x0.shape[1];
        var size = rows * columns;
        var start = new double[size + rows];
        using (var x64 = x0.detach().to(float64).cpu().contiguous())
            x64.data<double>().ToArray().CopyTo(start, 0);
        // s runs forwards from 0 to |t1 − t0|; t = t0 + direction·s, so dy/ds = direction·f.
        var direction = Math.Sign(t1 - t0);
        var solver = new DormandPrince45(size + rows) { RelTol = relativeTolerance, AbsTol = absoluteTolerance };
        var buffer = new double[size + rows];
        void Rhs(double s, ReadOnlySpan<double> y, Span<double> dy)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            y.CopyTo(buffer);
            var x = tensor(buffer.AsSpan(0, size).ToArray(), [rows, columns], dtype: float64).to(x0.dtype).to(x0.device);
            var (v, divergence) = field.Evaluate(x, tensor(t0 + direction * s, dtype: x0.dtype, device: x0.device));
            var joint = cat([v.reshape(-1), divergence], 0).to(float64).cpu().data<double>().ToArray();
            for (var i = 0; i < joint.Length; i++)
                dy[i] = direction * joint[i];
        }
        var end = new double[size + rows];
        if (t1 != t0 && !solver.Solve(Rhs, 0, start, [Math.Abs(t1 - t0)], end))
            throw new InvalidOperationException("Dormand–Prince failed (non-finite state, step underflow or too many steps).");
        if (t1 == t0)
            start.CopyTo(end, 0);
        var xEnd = tensor(end.AsSpan(0, size).ToArray(), [rows, columns], dtype: float64).to(x0.dtype).to(x0.device);
        var integral = tensor(end.AsSpan(size, rows).ToArray(), [rows], dtype: float64).to(x0.dtype).to(x0.device);
        return new Solution(xEnd, integral, solver.AcceptedSteps);
    }
}
