using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orchestrator.Training.Networks.Equivariant;

/// <summary>
/// The first layer of an edge MLP, Linear(2H + F → H) applied to [h_i, h_j, e_ij], computed per node instead of per
/// edge: W [h_i, h_j, e] + b = (W_i h_i + b) + W_j h_j + W_e e. The two H-wide products run on N rows instead of
/// N(N−1), which removes most of a block's matrix work; the parameter is the same single Linear.
/// </summary>
public sealed class PairInputLayer : nn.Module<Tensor, Tensor, ParticlePairs, Tensor>
{
    private readonly int _hidden;
    private readonly Linear _linear;

    public PairInputLayer(int hidden, int edgeFeatures) : base("pair_input_layer")
    {
        _hidden = hidden;
        _linear = nn.Linear(2 * hidden + edgeFeatures, hidden);
        RegisterComponents();
    }

    /// <param name="h">Node features [B, N, H].</param>
    /// <param name="edges">Edge features e_ij [B, N, N−1, F].</param>
    /// <returns>The layer's output per edge, [B, N, N−1, H].</returns>
    public override Tensor forward(Tensor h, Tensor edges, ParticlePairs pairs)
    {
        using var scope = NewDisposeScope();
        var weight = _linear.weight!;
        var first = nn.functional.linear(h, weight.narrow(1, 0, _hidden), _linear.bias);
        var second = nn.functional.linear(h, weight.narrow(1, _hidden, _hidden));
        var edgeWeight = weight.narrow(1, 2 * _hidden, weight.shape[1] - 2 * _hidden);
        // W_j h_j + W_e e in one fused matrix product on the flattened edges.
        var atSecond = pairs.AtSecond(second);
        var pairTerms = atSecond.view(-1, _hidden).addmm(edges.reshape(-1, edges.shape[^1]), edgeWeight.t()).view(atSecond.shape);
        return (first.unsqueeze(2) + pairTerms).MoveToOuterDisposeScope();
    }
}
