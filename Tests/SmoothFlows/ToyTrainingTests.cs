using Orchestrator.Training.Sampling;
using Orchestrator.Training.SmoothFlows;
using Orchestrator.Training.SmoothFlows.Toys;
using static TorchSharp.torch;

namespace Orchestrator.Tests.SmoothFlows;

public sealed class ToyTrainingTests
{
    [Fact]
    public void Smooth_flow_forces_beat_the_spline_flows_after_a_short_training()
    {
        // Same data, couplings, conditioners, K, loss (NLL) and batches; only the transform differs.
        set_num_threads(1);
        using var scope = NewDisposeScope();
        using var energy = new RingEnergy(periodic: false);
        var chain = new MetropolisOptions(Equilibration: 200);
        using var data = ToyData.Generate(energy, new ToyDataOptions(GridSide: 30, HeldOutGridSide: 15, Metropolis: chain), seed: 1);
        var metrics = new Dictionary<TransformKind, ToyMetrics>();
        foreach (var kind in new[] { TransformKind.Smooth, TransformKind.Spline })
        {
            var config = new ToyExperimentConfig(Periodic: false, kind, Components: 16, HiddenWidth: 64,
                Training: new ToyTrainingOptions(Iterations: 200, BatchSize: 256, LearningRate: 3e-3));
            var (flow, _) = ToyExperiment.Train(config, data, energy);
            using (flow)
            {
                flow.to(float64);
                metrics[kind] = ToyMetricsEvaluator.Evaluate(flow, data, linePoints: 2001, roundTripSamples: 300);
            }
        }
        var (smooth, spline) = (metrics[TransformKind.Smooth], metrics[TransformKind.Spline]);
        Assert.True(smooth.HeldOutNll < 0, $"the smooth flow learned the rings: held-out NLL {smooth.HeldOutNll} (uniform: 0)");
        Assert.True(smooth.ForceRmse < spline.ForceRmse, $"force RMSE smooth {smooth.ForceRmse} vs spline {spline.ForceRmse}");
        Assert.True(smooth.MaxForceJump < spline.MaxForceJump, $"max force jump smooth {smooth.MaxForceJump} vs spline {spline.MaxForceJump}");
        Assert.True(smooth.RoundTripError < 1e-5, $"smooth round trip {smooth.RoundTripError}");
    }
}
