using static TorchSharp.torch;

namespace Orchestrator.Training.Boltzmann;

/// <summary>Energies of generated samples against the data's, on common bins spanning the data's 0.1–99.9 % range.</summary>
/// <param name="Edges">Bin edges (Bins + 1).</param>
/// <param name="Data">Fraction of data energies per bin.</param>
/// <param name="Samples">Fraction of sample energies per bin (samples outside the range are in neither).</param>
public sealed record EnergyHistogram(double[] Edges, double[] Data, double[] Samples)
{
    public static EnergyHistogram Of(Tensor dataEnergy, Tensor sampleEnergy, int bins = 30)
    {
        var data = dataEnergy.to(ScalarType.Float64).cpu().data<double>().ToArray();
        var samples = sampleEnergy.to(ScalarType.Float64).cpu().data<double>().ToArray();
        var sorted = data.Where(double.IsFinite).Order().ToArray();
        var low = sorted[(int)(0.001 * (sorted.Length - 1))];
        var high = sorted[(int)(0.999 * (sorted.Length - 1))];
        var edges = Enumerable.Range(0, bins + 1).Select(i => low + (high - low) * i / bins).ToArray();
        return new EnergyHistogram(edges, Fractions(data, low, high, bins), Fractions(samples, low, high, bins));
    }

    /// <summary>Half the L1 distance between the two histograms: 0 when they agree, 1 when disjoint.</summary>
    public double TotalVariation => 0.5 * Data.Zip(Samples, (a, b) => Math.Abs(a - b)).Sum();

    private static double[] Fractions(double[] values, double low, double high, int bins)
    {
        var counts = new double[bins];
        foreach (var v in values)
        {
            if (!(v >= low && v <= high))
                continue;
            counts[Math.Min(bins - 1, (int)((v - low) / (high - low) * bins))]++;
        }
        return counts.Select(c => c / values.Length).ToArray();
    }
}
