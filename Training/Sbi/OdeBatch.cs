namespace Orchestrator.Training.Sbi;

/// <summary>
/// Solves one ODE per parameter row in parallel. The solve is deterministic, so results do not depend on thread
/// scheduling; each row is written to its own slot. Failed solves become rows of NaN.
/// </summary>
public static class OdeBatch
{
    /// <summary>
    /// For each row of <paramref name="parameters"/> (row-major [n, p]) integrates the ODE built by
    /// <paramref name="rhsFor"/> from y0 at t0 and returns the states at <paramref name="times"/>, row-major
    /// [n, times, dim]; also the number of failed solves.
    /// </summary>
    public static (double[] States, int Failed) Solve(
        double[] parameters, int p, Func<double[], OdeRhs> rhsFor, double t0, double[] y0, double[] times,
        double relTol = 1e-8, double absTol = 1e-8)
    {
        var n = parameters.Length / p;
        var dim = y0.Length;
        var width = times.Length * dim;
        var states = new double[n * width];
        var failed = 0;
        Parallel.For(0, n,
            () => new DormandPrince45(dim) { RelTol = relTol, AbsTol = absTol },
            (i, _, solver) =>
            {
                var theta = parameters.AsSpan(i * p, p).ToArray();
                var row = states.AsSpan(i * width, width);
                if (!solver.Solve(rhsFor(theta), t0, y0, times, row))
                {
                    row.Fill(double.NaN);
                    Interlocked.Increment(ref failed);
                }
                return solver;
            },
            _ => { });
        return (states, failed);
    }
}
