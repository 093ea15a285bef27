using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Boltzmann;

/// <summary>
/// DW4: four particles in 2D with the pair potential 0.9 (d − 4)⁴ − 4 (d − 4)² summed over unordered pairs
/// (spec §1); pair minima at d ≈ 2.509 and 5.491.
/// </summary>
public sealed class DoubleWell4 : IParticleSystem
{
    public const double Quartic = 0.9;
    public const double Quadratic = 4.0;
    public const double Offset = 4.0;

    public string Name => "dw4";

    public int ParticleCount => 4;

    public int Dimensions => 2;

    public Tensor Energy(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var offset = Offset.ToScalar();
        using var quartic = Quartic.ToScalar();
        using var quadratic = Quadratic.ToScalar();
        var shifted = ParticleGeometry.SquaredPairDistances(x, ParticleCount, Dimensions).sqrt().sub(offset);
        var squared = shifted * shifted;
        var pair = (squared * squared).mul(quartic) - squared.mul(quadratic);
        return pair.sum(-1).MoveToOuterDisposeScope();
    }
}
