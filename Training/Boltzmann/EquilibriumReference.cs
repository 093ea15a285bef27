using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Boltzmann;

/// <summary>
/// Exact equilibrium numbers of a small system (DW4: 6 mean-free dimensions) by importance sampling from a broad
/// mean-free Gaussian q = N(0, σ² I) on the (N−1)·D-dimensional subspace: no Markov chain, so no mixing question.
/// Z = E_q[exp(−U − log q)] is the partition function on the subspace in the same measure as the flows' densities,
/// so U(x) + log Z is the exact NLL of x — the floor no model's test NLL can beat on average.
/// </summary>
public static class EquilibriumReference
{
    /// <summary>An estimate with its standard error.</summary>
    public readonly record struct Estimate(double Value, double StandardError);

    /// <param name="LogZ">log of the partition function on the mean-free subspace.</param>
    /// <param name="RelativeEss">Effective sample size of the importance weights divided by the sample count.</param>
    /// <param name="ShortPairShares">Equilibrium share of configurations with k pairs closer than the short-pair threshold, k = 0 … pairs.</param>
    public sealed record Result(long Samples, double Sigma, Estimate LogZ, double RelativeEss, Estimate EnergyMean,
        double EnergyStd, Estimate ShortPairFraction, Estimate[] ShortPairShares)
    {
        /// <summary>The exact unnormalised NLL (published convention) of configurations whose mean energy is given.</summary>
        public double UnnormalisedNll(double meanEnergy, IParticleSystem system) =>
            meanEnergy + LogZ.Value - MeanFreeGaussian.LogNormaliser(system);
    }

    /// <summary>Short-pair threshold of the statistics (spec §2): 4 for DW4 (between the pair minima), 1.5 for LJ.</summary>
    public static double ShortPairThreshold(IParticleSystem system) => system is DoubleWell4 ? 4.0 : 1.5;

    public static Result Compute(IParticleSystem system, long samples, double sigma, ulong seed, int chunk = 250_000)
    {
        using var scope = NewDisposeScope();
        using var rng = new Generator(seed);
        var (n, d) = (system.ParticleCount, system.Dimensions);
        var dimension = (n - 1) * d;
        var pairs = n * (n - 1) / 2;
        var threshold = ShortPairThreshold(system);
        using var sigmaScalar = sigma.ToScalar();
        using var twoSigmaSquared = (2 * sigma * sigma).ToScalar();
        using var thresholdSquared = (threshold * threshold).ToScalar();
        using var logQConstant = (0.5 * dimension * Math.Log(2 * Math.PI * sigma * sigma)).ToScalar();
        using var pairsScalar = ((double)pairs).ToScalar();
        // Streaming weighted sums Σ w·g and Σ w²·g, with w = exp(log w − shift); the shift follows the running maximum.
        // Columns of g: 1, U, U², short-pair fraction f, f², then the indicators of k = 0 … pairs short pairs.
        const int indicators = 5;
        var columns = indicators + pairs + 1;
        var kScalars = Enumerable.Range(0, pairs + 1).Select(k => ((long)k).ToScalar()).ToArray();
        var sumW = new double[columns];
        var sumW2 = new double[columns];
        var shift = double.NegativeInfinity;
        for (long start = 0; start < samples; start += chunk)
        {
            using var inner = NewDisposeScope();
            var rows = Math.Min(chunk, samples - start);
            var x = ParticleGeometry.RemoveMean(randn([rows, n * d], ScalarType.Float64, generator: rng).mul(sigmaScalar), n, d);
            var energy = system.Energy(x);
            // log q on the subspace: −|x|²/(2σ²) − (N−1)D/2 · log(2πσ²).
            var logQ = (x * x).sum(1).div(twoSigmaSquared).neg().sub(logQConstant);
            var logW = (-energy - logQ).nan_to_num(nan: double.NegativeInfinity);
            var counts = ParticleGeometry.SquaredPairDistances(x, n, d).lt(thresholdSquared).sum(1);
            var fraction = counts.to(ScalarType.Float64).div(pairsScalar);
            var g = stack([ones_like(energy), energy, energy * energy, fraction, fraction * fraction,
                .. kScalars.Select(k => counts.eq(k).to(ScalarType.Float64))], 1);
            var chunkMax = logW.max().ToDouble();
            if (chunkMax > shift)
            {
                for (var j = 0; j < columns; j++)
                {
                    sumW[j] *= Math.Exp(shift - chunkMax);
                    sumW2[j] *= Math.Exp(2 * (shift - chunkMax));
                }
                shift = chunkMax;
            }
            using var shiftScalar = shift.ToScalar();
            var w = logW.sub(shiftScalar).exp().unsqueeze(1);
            var chunkW = (w * g).sum(0L).data<double>().ToArray();
            var chunkW2 = (w * w * g).sum(0L).data<double>().ToArray();
            for (var j = 0; j < columns; j++)
            {
                sumW[j] += chunkW[j];
                sumW2[j] += chunkW2[j];
            }
        }
        var (total, total2) = (sumW[0], sumW2[0]);
        var meanW = total / samples;
        var varW = (total2 / samples - meanW * meanW) * samples / (samples - 1);
        var logZ = new Estimate(shift + Math.Log(meanW), Math.Sqrt(varW / samples) / meanW);
        var relativeEss = total * total / total2 / samples;
        // Self-normalised estimates μ = Σ w f / Σ w; delta-method SE² = Σ w² (f − μ)² / (Σ w)².
        Estimate Weighted(double sumWf, double sumW2f, double sumW2f2)
        {
            var mean = sumWf / total;
            var variance = (sumW2f2 - 2 * mean * sumW2f + mean * mean * total2) / (total * total);
            return new Estimate(mean, Math.Sqrt(Math.Max(0, variance)));
        }
        var energyMean = sumW[1] / total;
        var energyStd = Math.Sqrt(sumW[2] / total - energyMean * energyMean);
        var energyEstimate = new Estimate(energyMean, energyStd / Math.Sqrt(relativeEss * samples));
        foreach (var k in kScalars)
            k.Dispose();
        var shortFraction = Weighted(sumW[3], sumW2[3], sumW2[4]);
        // For an indicator f² = f.
        var shares = Enumerable.Range(0, pairs + 1).Select(k => Weighted(sumW[indicators + k], sumW2[indicators + k], sumW2[indicators + k])).ToArray();
        return new Result(samples, sigma, logZ, relativeEss, energyEstimate, energyStd, shortFraction, shares);
    }
}
