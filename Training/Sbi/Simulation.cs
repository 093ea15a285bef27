using static TorchSharp.torch;

namespace Orchestrator.Training.Sbi;

/// <summary>A simulated training set: θ and x without failed rows, and how many rows were dropped.</summary>
public sealed record SimulatedDataset(Tensor Theta, Tensor X, int Dropped) : IDisposable
{
    public void Dispose()
    {
        Theta.Dispose();
        X.Dispose();
    }
}

/// <summary>Builds (θ, x) training pairs from a task.</summary>
public static class Simulation
{
    /// <summary>
    /// Draws <paramref name="budget"/> θ from the prior and simulates x; rows where x has any NaN (a failed
    /// simulation) are dropped and counted, as the spec requires before training.
    /// </summary>
    public static SimulatedDataset SimulateDataset(ISbiTask task, int budget, Generator rng)
    {
        if (budget <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(budget), budget, "budget must be positive.");
        }
        using var scope = NewDisposeScope();
        var theta = task.SamplePrior(budget, rng);
        var x = task.Simulate(theta, rng);
        var ok = isfinite(x).all(1);
        var kept = (int)ok.sum().item<long>();
        if (kept == budget)
        {
            return new SimulatedDataset(theta.MoveToOuterDisposeScope(), x.MoveToOuterDisposeScope(), 0);
        }
        var idx = nonzero(ok).squeeze(1);
        return new SimulatedDataset(
            theta.index_select(0, idx).MoveToOuterDisposeScope(),
            x.index_select(0, idx).MoveToOuterDisposeScope(),
            budget - kept);
    }
}
