using TorchSharp;
using System.Diagnostics;
using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows.Toys;

/// <summary>One toy run: which density, which flow, how it is trained.</summary>
public sealed record ToyExperimentConfig(
    bool Periodic,
    TransformKind Kind,
    int Components = 40,
    int Couplings = 4,
    int HiddenWidth = 100,
    int Seed = 1,
    ToyTrainingOptions? Training = null,
    ToyDataOptions? Data = null,
    NveOptions? Nve = null)
{
    public int RampPower { get; init; } = 1;

    public bool FixedCircleWidths { get; init; }

    public InversionOptions Inversion { get; init; } = new();

    public ToyTrainingOptions TrainingOptions => Training ?? new ToyTrainingOptions();

    public CouplingFlowOptions FlowOptions => new(Dimensions: 2, Circular: Periodic, Kind: Kind, Components: Components,
        Couplings: Couplings, HiddenWidth: HiddenWidth, RampPower: RampPower, FixedCircleWidths: FixedCircleWidths) { Inversion = Inversion };
}

/// <summary>Everything a toy run measures.</summary>
/// <param name="Fields">Density image and force field of the trained flow, when asked for.</param>
public sealed record ToyExperimentResult(ToyExperimentConfig Config, ToyMetrics Metrics, NveResult? Nve, double TrainSeconds, ToyFields? Fields);

/// <summary>Generates the data, trains in float32, then measures in float64 (metrics, round trip, NVE).</summary>
public static class ToyExperiment
{
    public static ToyExperimentResult Run(ToyExperimentConfig config, Action<int, LossTerms>? report = null, ToyData? sharedData = null,
        bool withFields = false, CancellationToken cancellation = default)
    {
        using var energy = new RingEnergy(config.Periodic);
        var data = sharedData ?? ToyData.Generate(energy, config.Data ?? new ToyDataOptions(), config.Seed);
        try
        {
            var (flow, seconds) = Train(config, data, energy, report, cancellation);
            using (flow)
            {
                var (metrics, nve) = Measure(config, flow, data);
                return new ToyExperimentResult(config, metrics, nve, seconds, withFields ? ToyFields.OfFlow(flow) : null);
            }
        }
        finally
        {
            if (sharedData is null)
                data.Dispose();
        }
    }

    /// <summary>The metrics and (when configured) the NVE drift of a trained flow, in float64 (the flow is converted).</summary>
    public static (ToyMetrics Metrics, NveResult? Nve) Measure(ToyExperimentConfig config, CouplingFlow flow, ToyData data)
    {
        flow.to(float64);
        var metrics = ToyMetricsEvaluator.Evaluate(flow, data);
        var nve = config.Nve is null ? null : NveDynamics.Run(flow, data.HeldOut, config.Nve, new Generator((ulong)config.Seed + 17));
        return (metrics, nve);
    }

    /// <summary>A freshly seeded flow trained on the data (float32).</summary>
    public static (CouplingFlow Flow, double Seconds) Train(ToyExperimentConfig config, ToyData data, RingEnergy energy,
        Action<int, LossTerms>? report = null, CancellationToken cancellation = default)
    {
        manual_seed(config.Seed);
        var flow = new CouplingFlow(config.FlowOptions);
        var clock = Stopwatch.StartNew();
        using var trainer = new ToyTrainer(flow, data, energy, config.TrainingOptions, new Generator((ulong)config.Seed));
        trainer.Run(config.TrainingOptions.Iterations, report, cancellation: cancellation);
        return (flow, clock.Elapsed.TotalSeconds);
    }
}
