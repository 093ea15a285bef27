using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Boltzmann;

/// <summary>
/// Vectorised Metropolis sampling of exp(−U) at kT = 1: all chains are one [C, N·D] float64 tensor and one step
/// proposes x' = x + σ ξ for every chain at once. U and the proposal are translation-invariant, so the state is
/// re-centred after each step (the chain of relative coordinates is unchanged and the centre cannot drift).
/// </summary>
public static class MetropolisSampler
{
    /// <summary>What a run did: the frozen step size, its acceptance rate while sampling, and the cost.</summary>
    public sealed record Run(double StepSize, double AcceptanceRate, long Steps, double Seconds);

    /// <summary>
    /// <paramref name="count"/> mean-free float32 samples [count, N·D] and the run's record. The chains start on a compact
    /// lattice, or at the rows of <paramref name="start"/> (one chain per row; options.Chains is then ignored).
    /// </summary>
    public static (Tensor Samples, Run Run) Sample(IParticleSystem system, long count, MetropolisOptions options, Action<string>? log = null,
        Tensor? start = null)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        using var rng = new Generator(options.Seed);
        using var scope = NewDisposeScope();
        var x = start is null
            ? CompactStart(system, options.Chains, rng)
            : ParticleGeometry.RemoveMean(start.to(ScalarType.Float64), system.ParticleCount, system.Dimensions);
        var chains = (int)x.shape[0];
        var energy = system.Energy(x);
        var stepSize = options.InitialStepSize;
        long accepted = 0;
        for (var window = 0; window < options.BurnIn / options.TuneEvery; window++)
        {
            accepted = 0;
            for (var i = 0; i < options.TuneEvery; i++)
                accepted += Step(system, ref x, ref energy, stepSize, rng);
            var rate = accepted / (double)(options.TuneEvery * chains);
            // Multiplicative tuning towards the middle of the target band; frozen after burn-in.
            if (rate < options.TargetLow || rate > options.TargetHigh)
                stepSize *= Math.Exp(Math.Clamp(rate - 0.5 * (options.TargetLow + options.TargetHigh), -0.5, 0.5) * 2);
            if (window % 50 == 0)
                log?.Invoke($"burn-in {(window + 1) * options.TuneEvery}/{options.BurnIn}: acceptance {rate:F3}, step size {stepSize:G4}, mean U {energy.mean().ToDouble():F3}");
        }
        var rounds = (count + chains - 1) / chains;
        var kept = new List<Tensor>();
        accepted = 0;
        for (long round = 0; round < rounds; round++)
        {
            for (var i = 0; i < options.Thin; i++)
                accepted += Step(system, ref x, ref energy, stepSize, rng);
            kept.Add(x.to(ScalarType.Float32));
        }
        var steps = rounds * options.Thin;
        var acceptance = accepted / (double)(steps * chains);
        // Chain-major order: consecutive rows come from different chains.
        var samples = stack(kept, 0).reshape(-1, x.shape[1])[..(int)count];
        log?.Invoke($"sampled {count} states: {steps} steps × {chains} chains, acceptance {acceptance:F3}, step size {stepSize:G4}");
        return (samples.MoveToOuterDisposeScope(), new Run(stepSize, acceptance, options.BurnIn + steps, clock.Elapsed.TotalSeconds));
    }

    /// <summary>One Metropolis step of every chain in place; returns the number of accepted proposals.</summary>
    private static long Step(IParticleSystem system, ref Tensor x, ref Tensor energy, double stepSize, Generator rng)
    {
        using var scope = NewDisposeScope();
        using var sigma = stepSize.ToScalar();
        var proposal = ParticleGeometry.RemoveMean(x + randn(x.shape, ScalarType.Float64, generator: rng).mul(sigma), system.ParticleCount, system.Dimensions);
        var proposalEnergy = system.Energy(proposal);
        // Accept with probability min(1, exp(−ΔU)); a non-finite proposal energy is never accepted.
        var accept = (rand(energy.shape, ScalarType.Float64, generator: rng).log() < energy - proposalEnergy) & proposalEnergy.isfinite();
        var (oldX, oldEnergy) = (x, energy);
        x = where(accept.unsqueeze(1), proposal, x).MoveToOuterDisposeScope();
        energy = where(accept, proposalEnergy, energy).MoveToOuterDisposeScope();
        // The previous state lives in the caller's scope: free it now, not after thousands of steps.
        oldX.Dispose();
        oldEnergy.Dispose();
        return accept.sum().ToInt64();
    }

    /// <summary>
    /// Every chain starts on the same small cubic lattice (spacing near the pair minimum: 3 for DW4, 1.1 for LJ),
    /// jittered by 5 % of the spacing; burn-in takes it from there.
    /// </summary>
    private static Tensor CompactStart(IParticleSystem system, int chains, Generator rng)
    {
        using var scope = NewDisposeScope();
        var (n, d) = (system.ParticleCount, system.Dimensions);
        var spacing = system is DoubleWell4 ? 3.0 : 1.1;
        var side = (int)Math.Ceiling(Math.Pow(n, 1.0 / d) - 1e-9);
        var lattice = new double[n * d];
        for (var p = 0; p < n; p++)
        {
            var index = p;
            for (var k = 0; k < d; k++)
            {
                lattice[p * d + k] = spacing * (index % side);
                index /= side;
            }
        }
        using var jitter = (0.05 * spacing).ToScalar();
        var x = tensor(lattice, ScalarType.Float64).unsqueeze(0) + randn([chains, n * d], ScalarType.Float64, generator: rng).mul(jitter);
        return ParticleGeometry.RemoveMean(x, n, d).MoveToOuterDisposeScope();
    }
}
