using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Boltzmann;

/// <summary>
/// LJn (LJ13, LJ55): n particles in 3D, in the convention that generated the data (spec §1):
/// U = Σ_{i≠j} [r⁻¹² − 2 r⁻⁶] over ORDERED pairs (twice the usual unordered sum) + 0.5 Σ_i |x_i − x̄|²,
/// with r_ij = sqrt(|x_i − x_j|² + 1e-6). The halved ("unordered") LJ sum is <see cref="PairEnergy"/>; it is
/// exposed for statistics, but an energy built on it does not match the data (equipartition kT ≈ 0.49).
/// </summary>
public sealed class LennardJones(int particles) : IParticleSystem
{
    public const double DistanceEpsilon = 1e-6;
    public const double HarmonicStrength = 0.5;

    public static LennardJones Lj13 { get; } = new(13);

    public static LennardJones Lj55 { get; } = new(55);

    public string Name => $"lj{particles}";

    public int ParticleCount => particles;

    public int Dimensions => 3;

    public Tensor Energy(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var two = 2.0.ToScalar();
        return (PairEnergy(x).mul(two) + HarmonicEnergy(x)).MoveToOuterDisposeScope();
    }

    /// <summary>Σ_{i&lt;j} [r⁻¹² − 2 r⁻⁶], the LJ sum over UNORDERED pairs; [B].</summary>
    public Tensor PairEnergy(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var epsilon = DistanceEpsilon.ToScalar();
        using var two = 2.0.ToScalar();
        var inverseSquared = ParticleGeometry.SquaredPairDistances(x, particles, Dimensions).add(epsilon).reciprocal();
        var inverseSixth = inverseSquared * inverseSquared * inverseSquared;
        return (inverseSixth * inverseSixth - inverseSixth.mul(two)).sum(-1).MoveToOuterDisposeScope();
    }

    /// <summary>0.5 Σ_i |x_i − x̄|², the harmonic term that holds the cluster together; [B].</summary>
    public Tensor HarmonicEnergy(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var half = HarmonicStrength.ToScalar();
        var centred = ParticleGeometry.RemoveMean(x, particles, Dimensions);
        return (centred * centred).sum(-1).mul(half).MoveToOuterDisposeScope();
    }
}
