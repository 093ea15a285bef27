using Orchestrator.Training.Boltzmann;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orchestrator.Training.Networks.Equivariant;

/// <summary>
/// The E(n)-equivariant graph network the FFF paper uses as encoder and decoder of a Boltzmann generator (spec §4,
/// the EDM variant): h⁰ = Linear(1 → H)(1), L <see cref="EquivariantBlock"/>s on the fully connected graph, and the
/// map x ↦ x + remove_mean(x_L − x). Rotation-, reflection-, translation- and permutation-equivariant; keeps the
/// centre of mass. Works on flat configurations [B, N·D]; the condition argument is unused (zero columns).
/// </summary>
public sealed class EquivariantGraphNetwork : ConditionalNetwork
{
    private readonly Linear _embedding;
    private readonly ModuleList<EquivariantBlock> _blocks;

    public EquivariantGraphNetwork(int particles, int dimensions, int blocks, int hidden) : base("equivariant_graph_network")
    {
        Particles = particles;
        Dimensions = dimensions;
        _embedding = nn.Linear(1, hidden);
        _blocks = nn.ModuleList(Enumerable.Range(0, blocks).Select(_ => new EquivariantBlock(hidden)).ToArray());
        RegisterComponents();
    }

    public int Particles { get; }

    public int Dimensions { get; }

    public override Tensor forward(Tensor input, Tensor condition)
    {
        using var scope = NewDisposeScope();
        using var pairs = new ParticlePairs(Particles, input.device);
        var batch = input.shape[0];
        var x0 = ParticleGeometry.AsParticles(input, Particles, Dimensions);
        var h = _embedding.forward(ones([batch, Particles, 1], dtype: input.dtype, device: input.device));
        var (_, initialSquaredDistance) = pairs.Differences(x0);
        var x = x0;
        foreach (var block in _blocks)
            (h, x) = block.forward(h, x, initialSquaredDistance, pairs);
        var velocity = ParticleGeometry.RemoveMean((x - x0).reshape(batch, Particles * Dimensions), Particles, Dimensions);
        return (input + velocity).MoveToOuterDisposeScope();
    }

    /// <summary>The coordinate heads already start at gain 0.001 (near the identity); shrink them further.</summary>
    public override void ZeroLastLayers()
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.Contains("coordinateMlp.3", StringComparison.Ordinal))
                parameter.mul_(1e-3);
        }
    }
}
