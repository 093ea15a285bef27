using System.Diagnostics;
using Orchestrator.Training.Data;
using Orchestrator.Training.Sbi;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Trials;

/// <summary>
/// A trial's simulated data, z-scored with its training rows' statistics, on its device: θ and x [N, ·] with the leading
/// validation rows and the training rows as slices. Its tensors live in the caller's dispose scope.
/// </summary>
internal sealed record TrialData(Tensor Theta, Tensor X, TensorIndex Train, TensorIndex Validation, Standardizer ThetaScale,
    Standardizer XScale, int Dropped, double SimulationSeconds)
{
    /// <summary>Simulates the budget from the trial's seed (reporting <see cref="TrialProgress.Simulated"/>) and z-scores it.</summary>
    public static TrialData Prepare(TrialConfig config, ISbiTask task, Device device, Action<TrialProgress>? progress)
    {
        var clock = Stopwatch.StartNew();
        using var dataRng = new Generator((ulong)config.Seed);
        var data = Simulation.SimulateDataset(task, config.Budget, dataRng);
        var simulationSeconds = clock.Elapsed.TotalSeconds;
        progress?.Invoke(new TrialProgress.Simulated((int)data.Theta.shape[0], data.Dropped, simulationSeconds));

        var n = data.Theta.shape[0];
        var validation = Math.Max(1, (long)Math.Round(config.ValidationFraction * n));
        if (n - validation < 2)
            throw new ArgumentException($"Only {n} valid simulations: too few to train (budget {config.Budget}, {data.Dropped} dropped).");
        var trainSlice = TensorIndex.Slice(validation, n);
        var thetaScale = Standardizer.Fit(data.Theta[trainSlice]);
        var xScale = Standardizer.Fit(data.X[trainSlice]);
        Tensor Standardize(Tensor t, Standardizer s) => s.Forward(t).to(float32).to(device);
        return new TrialData(Standardize(data.Theta, thetaScale), Standardize(data.X, xScale), trainSlice, TensorIndex.Slice(0, validation),
            thetaScale, xScale, data.Dropped, simulationSeconds);
    }
}
