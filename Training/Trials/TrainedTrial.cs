using Orchestrator.Training.Data;
using Orchestrator.Training.Flows;
using Orchestrator.Training.Optimization;
using Orchestrator.Training.Sbi;
using static TorchSharp.torch;

namespace Orchestrator.Training.Trials;

/// <summary>
/// A trained flow with what evaluation needs: the task, the z-scoring of θ and x, the device, and the
/// training-side numbers of the trial. Owns its tensors and module.
/// </summary>
public sealed class TrainedTrial(
    TrialConfig config, ISbiTask task, FreeFormFlow flow, Standardizer thetaScale, Standardizer xScale, Device device,
    TrainingSummary summary) : IDisposable
{
    public TrialConfig Config { get; } = config;
    public ISbiTask Task { get; } = task;
    public FreeFormFlow Flow { get; } = flow;
    public Standardizer ThetaScale { get; } = thetaScale;
    public Standardizer XScale { get; } = xScale;
    public Device Device { get; } = device;
    public TrainingSummary Summary { get; } = summary;

    public void Dispose()
    {
        Flow.Dispose();
        ThetaScale.Dispose();
        XScale.Dispose();
    }
}

/// <summary>Training-side results of a trial.</summary>
/// <param name="ValidationNll">Exact validation NLL in θ's units (decoder log-det).</param>
/// <param name="ValidationNllEncoder">The same with the encoder's log-det.</param>
public sealed record TrainingSummary(
    double ValidationNll, double ValidationNllEncoder, double ValidationReconstruction, int SkippedBatches, int DroppedSimulations,
    double SimulationSeconds, double TrainingSeconds, double StepSeconds, IReadOnlyList<EpochProgress> History);
