namespace Orchestrator.Protocol;

/// <summary>The numbers of a finished request, as <see cref="Completed"/> carries them (result.json has everything).</summary>
/// <param name="MeanC2st">Mean C2ST over <see cref="Observations"/>; null when nothing was evaluated.</param>
/// <param name="ResumedFromEpoch">Epochs the checkpoint held when the request started (0 for a fresh run).</param>
public sealed record TrialSummary(
    double? MeanC2st,
    IReadOnlyList<EvaluatedObservation> Observations,
    double ValNll,
    double ValNllEncoder,
    double ValReconstruction,
    int SkippedBatches,
    int DroppedSimulations,
    int ResumedFromEpoch,
    TrialTimingsSummary Timings);

/// <summary>C2ST of one observation, its acceptance rate and its samples file.</summary>
public sealed record EvaluatedObservation(int Observation, double C2st, double Acceptance, string SamplesPath);

/// <summary>Wall-clock seconds of each phase.</summary>
public sealed record TrialTimingsSummary(
    double SimulationSeconds, double TrainingSeconds, double StepSeconds, double SamplingSeconds, double C2stSeconds, double TotalSeconds);
