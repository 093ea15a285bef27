namespace Orchestrator.Protocol;

/// <summary>The numbers of a finished request, as <see cref="Completed"/> carries them (result.json has everything).</summary>
/// <param name="Metrics">Final metrics keyed by the names the workload's descriptor declares (only those it computed:
/// a training without observations has no C2ST); non-finite values are left out.</param>
/// <param name="Observations">Per-observation scores of the primary metric (empty when nothing was evaluated).</param>
/// <param name="ResumedFromEpoch">Epochs the checkpoint held when the request started (0 for a fresh run).</param>
public sealed record TrialSummary(
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<EvaluatedObservation> Observations,
    int ResumedFromEpoch,
    TrialTimingsSummary Timings)
{
    /// <summary>The metric of that name, NaN when it was not reported.</summary>
    public double this[string metric] => Metrics.TryGetValue(metric, out var value) ? value : double.NaN;

    /// <summary>Metrics with the non-finite values left out (a diverged run's NaN is "not reported", not a number).</summary>
    public static IReadOnlyDictionary<string, double> Finite(IEnumerable<KeyValuePair<string, double>> metrics) =>
        metrics.Where(m => double.IsFinite(m.Value)).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
}

/// <summary>The score of one observation (a value of the primary metric), its acceptance rate and its samples file.</summary>
public sealed record EvaluatedObservation(int Observation, double Score, double Acceptance, string SamplesPath);

/// <summary>Wall-clock seconds of each phase.</summary>
public sealed record TrialTimingsSummary(
    double SimulationSeconds, double TrainingSeconds, double StepSeconds, double SamplingSeconds, double C2stSeconds, double TotalSeconds);
