using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Boltzmann;

/// <summary>The statistics of a dataset that spec §2 gives reference values for.</summary>
public sealed record DatasetStatistics(
    long Rows,
    double EnergyMean,
    double EnergyStd,
    double EnergyMin,
    double MeanPairDistance,
    double MinPairDistance,
    double ShortPairFraction,
    double ShortPairThreshold,
    double? TwoShortPairsFraction,
    double? FourShortPairsFraction,
    double? PairEnergyMean,
    double? HarmonicEnergyMean,
    double EquipartitionKt,
    double MaxCentreOfMass)
{
    /// <summary>Statistics of mean-free or raw configurations x [rows, N·D] (energies are translation-invariant).</summary>
    public static DatasetStatistics Of(IParticleSystem system, Tensor x)
    {
        using var scope = NewDisposeScope();
        var data = x.to(ScalarType.Float64);
        var (n, d) = (system.ParticleCount, system.Dimensions);
        Tensor energy;
        using (no_grad())
            energy = system.Energy(data);
        var distance = ParticleGeometry.SquaredPairDistances(data, n, d).sqrt();
        var threshold = system is DoubleWell4 ? 4.0 : 1.5;
        var shortPairs = (distance < threshold).to(ScalarType.Float64);
        double? perCount(int k) => system is DoubleWell4 ? (shortPairs.sum(1) == k).to(ScalarType.Float64).mean().ToDouble() : null;
        var lj = system as LennardJones;
        return new DatasetStatistics(
            data.shape[0], energy.mean().ToDouble(), energy.std().ToDouble(), energy.min().ToDouble(),
            distance.mean().ToDouble(), distance.min().ToDouble(), shortPairs.mean().ToDouble(), threshold,
            perCount(2), perCount(4),
            lj?.PairEnergy(data).mean().ToDouble(), lj?.HarmonicEnergy(data).mean().ToDouble(),
            system.EquipartitionTemperature(data),
            ParticleGeometry.CentreOfMass(data, n, d).abs().max().ToDouble());
    }
}
