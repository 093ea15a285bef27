using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Boltzmann;

/// <summary>Test-split NLL, importance weights, energies and sampling time of a trained Boltzmann generator.</summary>
public static class BoltzmannEvaluation
{
    private const int Chunk = 1000;

    public sealed record Numbers(double TestNll, double TestNllNormalised, double Reconstruction, double RelativeEss,
        double SampleEnergyMean, double DataEnergyMean, EnergyHistogram Energies, double SamplingMsPerSample);

    public static Numbers Evaluate(BoltzmannGenerator generator, Tensor test, int samples, Generator rng)
    {
        var system = generator.System;
        generator.Flow.eval();
        double nll = 0, reconstruction = 0;
        var rows = test.shape[0];
        for (long start = 0; start < rows; start += Chunk)
        {
            using var scope = NewDisposeScope();
            var x = test.narrow(0, start, Math.Min(Chunk, rows - start));
            nll += generator.UnnormalisedNll(x).sum().ToDouble();
            using (no_grad())
            {
                var error = x - generator.Decode(generator.Encode(x));
                reconstruction += (error * error).sum().ToDouble();
            }
        }
        nll /= rows;

        using var outer = NewDisposeScope();
        var logWeights = new List<Tensor>();
        var sampleEnergy = new List<Tensor>();
        for (long start = 0; start < samples; start += Chunk)
        {
            var (x, logQ) = generator.SampleWithLogDensity(Math.Min(Chunk, samples - start), rng);
            var energy = system.Energy(x.to(ScalarType.Float64)).detach();
            sampleEnergy.Add(energy);
            logWeights.Add(ImportanceWeights.LogWeights(energy, logQ));
        }
        var sampleEnergies = cat(sampleEnergy, 0);
        Tensor dataEnergies;
        using (no_grad())
            dataEnergies = system.Energy(test.to(ScalarType.Float64));
        var finiteSamples = sampleEnergies.masked_select(sampleEnergies.isfinite());
        return new Numbers(nll, nll + MeanFreeGaussian.LogNormaliser(system), reconstruction / rows,
            ImportanceWeights.RelativeEss(cat(logWeights, 0)),
            finiteSamples.shape[0] == 0 ? double.NaN : finiteSamples.mean().ToDouble(), dataEnergies.mean().ToDouble(),
            EnergyHistogram.Of(dataEnergies, sampleEnergies), SamplingMsPerSample(generator, samples, rng));
    }

    /// <summary>Raw generation time x = g(z) per sample, after one warm-up batch.</summary>
    public static double SamplingMsPerSample(BoltzmannGenerator generator, int samples, Generator rng)
    {
        var batch = Math.Min(samples, Chunk);
        using (generator.Sample(batch, rng)) { }
        var clock = Stopwatch.StartNew();
        for (long done = 0; done < samples; done += batch)
        {
            using var x = generator.Sample(Math.Min(batch, samples - done), rng);
            if (x.device.type == DeviceType.CUDA)
                cuda.synchronize();
        }
        return clock.Elapsed.TotalMilliseconds / samples;
    }
}
