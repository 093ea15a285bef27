using Orchestrator.Training.Optimization;

namespace Orchestrator.Training.Boltzmann;

/// <summary>
/// The outcome of one Boltzmann-generator trial. NLLs are exact, per configuration, on the mean-free subspace;
/// "unnormalised" is the published convention (0.5|z|² + log|det J_g(z)|), "normalised" adds 0.5 (N−1) D log 2π.
/// </summary>
/// <param name="History">Per epoch; ValidationNll there is the unnormalised exact NLL on the validation rows (encoder log-det).</param>
/// <param name="TestNll">Unnormalised exact NLL on the test split (decoder log-det at z = f(x)).</param>
/// <param name="RelativeEss">Effective sample size of the importance weights exp(−U − log q), divided by the sample count.</param>
/// <param name="SamplingMsPerSample">Wall time of x = g(z) per sample (no Jacobian), in milliseconds.</param>
public sealed record BoltzmannResult(
    BoltzmannConfig Config,
    IReadOnlyList<EpochProgress> History,
    double TestNll,
    double TestNllNormalised,
    double TestReconstruction,
    double RelativeEss,
    double SampleEnergyMean,
    double DataEnergyMean,
    EnergyHistogram Energies,
    double SamplingMsPerSample,
    double TrainingSeconds,
    double StepSeconds,
    int SkippedBatches);
