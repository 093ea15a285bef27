using System.Text.Json.Serialization;
using Orchestrator.Training.Optimization;

namespace Orchestrator.Training.Trials;

/// <summary>The outcome of one trial.</summary>
/// <param name="ValidationNll">Exact NLL on the validation set in θ's original units, decoder version (mean).</param>
/// <param name="ValidationNllEncoder">The same with the encoder's log-det.</param>
/// <param name="ValidationReconstruction">Mean ‖θ − g(f(θ))‖² on the validation set (standardized units).</param>
/// <param name="DroppedSimulations">Simulations dropped because they failed (NaN rows).</param>
public sealed record TrialResult(
    TrialConfig Config,
    IReadOnlyList<ObservationResult> Observations,
    double MeanC2st,
    double ValidationNll,
    double ValidationNllEncoder,
    double ValidationReconstruction,
    int SkippedBatches,
    int DroppedSimulations,
    TrialTimings Timings,
    IReadOnlyList<EpochProgress> History);

/// <summary>C2ST of one observation's posterior samples against the reference samples.</summary>
/// <param name="AcceptanceRate">Fraction of flow samples inside the prior's support (the rest are rejected).</param>
public sealed record ObservationResult(int Observation, double C2st, double AcceptanceRate, [property: JsonIgnore] PosteriorSamples Samples);

/// <summary>Posterior samples in θ's original units, row-major [Count, Dim].</summary>
public sealed record PosteriorSamples(int Count, int Dim, float[] Values);

/// <summary>Wall-clock seconds of each phase.</summary>
public sealed record TrialTimings(
    double SimulationSeconds, double TrainingSeconds, double StepSeconds, double SamplingSeconds, double C2stSeconds, double TotalSeconds);
