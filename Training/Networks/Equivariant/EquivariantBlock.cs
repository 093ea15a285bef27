using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orchestrator.Training.Networks.Equivariant;

/// <summary>
/// One equivariant block of the EDM-variant E(n)-GNN (spec §4): edge features e_ij = [|x_i − x_j|², d0_ij] from the
/// block's input coordinates, two <see cref="InvariantMessageLayer"/>s on h, then the coordinate update
/// x_i ← x_i + (1/100) Σ_j u_ij · φx([h_i, h_j, e_ij]) with u_ij = (x_i − x_j) / (sqrt(|x_i − x_j|² + 1e-8) + 1).
/// Per-edge tensors are [B, N, N−1, F] (<see cref="ParticlePairs"/>).
/// </summary>
public sealed class EquivariantBlock : nn.Module<Tensor, Tensor, Tensor, ParticlePairs, (Tensor H, Tensor X)>
{
    public const int InvariantLayers = 2;
    public const double CoordinateNormaliser = 100;
    public const double OutputGain = 0.001;

    private readonly ModuleList<InvariantMessageLayer> _invariantLayers;
    private readonly PairInputLayer _coordinateInput;
    private readonly nn.Module<Tensor, Tensor> _coordinateMlp;

    public EquivariantBlock(int hidden) : base("equivariant_block")
    {
        _invariantLayers = nn.ModuleList(Enumerable.Range(0, InvariantLayers).Select(_ => new InvariantMessageLayer(hidden, 2)).ToArray());
        var output = nn.Linear(hidden, 1, hasBias: false);
        // A tiny last layer: every block starts as (almost) the identity on coordinates.
        nn.init.xavier_uniform_(output.weight, gain: OutputGain);
        // φx = Linear(2h+2 → h), SiLU, Linear(h → h), SiLU, Linear(h → 1); its first layer runs per node.
        _coordinateInput = new PairInputLayer(hidden, 2);
        _coordinateMlp = nn.Sequential(nn.SiLU(), nn.Linear(hidden, hidden), nn.SiLU(), output);
        RegisterComponents();
    }

    /// <param name="h">Node features [B, N, H].</param>
    /// <param name="x">Coordinates [B, N, D].</param>
    /// <param name="initialSquaredDistance">d0_ij = |x_i − x_j|² of the network's input, [B, N, N−1, 1].</param>
    public override (Tensor H, Tensor X) forward(Tensor h, Tensor x, Tensor initialSquaredDistance, ParticlePairs pairs)
    {
        using var scope = NewDisposeScope();
        using var epsilon = 1e-8.ToScalar();
        using var one = 1.0.ToScalar();
        using var inverseNormaliser = (1 / CoordinateNormaliser).ToScalar();
        var (difference, squaredDistance) = pairs.Differences(x);
        var direction = difference / squaredDistance.add(epsilon).sqrt().add(one);
        var edges = cat([squaredDistance, initialSquaredDistance], -1);
        foreach (var layer in _invariantLayers)
            h = layer.forward(h, edges, pairs);
        var weight = _coordinateMlp.forward(_coordinateInput.forward(h, edges, pairs));
        x = x + ParticlePairs.SumOverSecond(direction * weight).mul(inverseNormaliser);
        return (h.MoveToOuterDisposeScope(), x.MoveToOuterDisposeScope());
    }
}
