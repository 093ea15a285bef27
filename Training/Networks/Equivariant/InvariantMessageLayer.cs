using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Networks.Equivariant;

/// <summary>
/// The invariant sub-layer of an E(n)-GNN block (spec §4): m_ij = φe([h_i, h_j, e_ij]) gated by
/// sigmoid(Linear(m_ij)), then h_i ← h_i + φh([h_i, Σ_j m_ij / 100]).
/// </summary>
public sealed class InvariantMessageLayer : nn.Module<Tensor, Tensor, ParticlePairs, Tensor>
{
    public const double AggregationNormaliser = 100;

    private readonly PairInputLayer _edgeInput;
    private readonly nn.Module<Tensor, Tensor> _edgeMlp;
    private readonly nn.Module<Tensor, Tensor> _attention;
    private readonly nn.Module<Tensor, Tensor> _nodeMlp;

    public InvariantMessageLayer(int hidden, int edgeFeatures) : base("invariant_message_layer")
    {
        // φe = Linear(2h+F → h), SiLU, Linear(h → h), SiLU; its first layer runs per node (PairInputLayer).
        _edgeInput = new PairInputLayer(hidden, edgeFeatures);
        _edgeMlp = nn.Sequential(nn.SiLU(), nn.Linear(hidden, hidden), nn.SiLU());
        _attention = nn.Linear(hidden, 1);
        _nodeMlp = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.SiLU(), nn.Linear(hidden, hidden));
        RegisterComponents();
    }

    /// <param name="h">Node features [B, N, H].</param>
    /// <param name="edges">Edge features e_ij [B, N, N−1, F].</param>
    public override Tensor forward(Tensor h, Tensor edges, ParticlePairs pairs)
    {
        using var scope = NewDisposeScope();
        using var inverseNormaliser = (1 / AggregationNormaliser).ToScalar();
        var message = _edgeMlp.forward(_edgeInput.forward(h, edges, pairs));
        message = message * sigmoid(_attention.forward(message));
        var aggregated = ParticlePairs.SumOverSecond(message).mul(inverseNormaliser);
        return (h + _nodeMlp.forward(cat([h, aggregated], -1))).MoveToOuterDisposeScope();
    }
}
