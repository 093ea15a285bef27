using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows.Toys;

/// <summary>
/// A density image and a force field on [0, 1]² for plots: log density on a fine grid, the force (∇ log density)
/// on a coarse one (row i, column j is the point x = (j + ½)/n, y = (i + ½)/n), and the force's x component along
/// <see cref="ToyMetricsEvaluator.ProbeLine"/> (where the metrics measure jumps).
/// </summary>
public sealed record ToyFields(double[,] LogDensity, double[,] ForceX, double[,] ForceY, double[] LineForceX)
{
    /// <summary>Fields of a flow (log q, ∇ log q).</summary>
    public static ToyFields OfFlow(CouplingFlow flow, int resolution = 200, int arrows = 24) =>
        Compute(x => FlowLosses.LogProbAndForce(flow, x, createGraph: false), flow.parameters().First().dtype, resolution, arrows);

    /// <summary>Fields of the target (−U, −∇U).</summary>
    public static ToyFields OfEnergy(RingEnergy energy, int resolution = 200, int arrows = 24) =>
        Compute(x => (-energy.Energy(x), energy.Force(x)), float64, resolution, arrows);

    private static ToyFields Compute(Func<Tensor, (Tensor LogDensity, Tensor Force)> evaluate, ScalarType dtype, int resolution, int arrows)
    {
        using var scope = NewDisposeScope();
        var (logDensity, _) = evaluate(Grid(resolution, dtype));
        var (_, force) = evaluate(Grid(arrows, dtype));
        var (_, lineForce) = evaluate(ToyMetricsEvaluator.ProbeLine(LinePoints, dtype));
        return new ToyFields(ToMatrix(logDensity.detach(), resolution), ToMatrix(force[.., 0].detach(), arrows), ToMatrix(force[.., 1].detach(), arrows),
            lineForce[.., 0].detach().to(float64).data<double>().ToArray());
    }

    /// <summary>Points of the probe-line profile.</summary>
    public const int LinePoints = 2000;

    private static Tensor Grid(int n, ScalarType dtype)
    {
        var centres = linspace(0.5 / n, 1 - 0.5 / n, n, dtype: dtype);
        var mesh = meshgrid([centres, centres], indexing: "ij"); // mesh[0] varies along rows: that is y
        return stack([mesh[1].flatten(), mesh[0].flatten()], 1);
    }

    private static double[,] ToMatrix(Tensor values, int n)
    {
        var flat = values.to(float64).data<double>().ToArray();
        var matrix = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                matrix[i, j] = flat[i * n + j];
        return matrix;
    }
}
