using static TorchSharp.torch;

namespace Orchestrator.Training.Networks.Equivariant;

/// <summary>
/// The fully connected edge set of an E(n)-GNN: per-edge values are [B, N, N−1, F], entry (i, k) holding the pair
/// (i, j) with j the k-th particle other than i, so Σ_j is a sum over dimension 2 and per-node values at i broadcast
/// over it. Only the values at j need a gather (one index_select; its gradient is one index_add).
/// </summary>
public sealed class ParticlePairs : IDisposable
{
    private readonly Tensor _second;

    public ParticlePairs(int particles, Device device)
    {
        Particles = particles;
        var second = new long[particles * (particles - 1)];
        var edge = 0;
        for (var i = 0; i < particles; i++)
        {
            for (var j = 0; j < particles; j++)
            {
                if (j != i)
                    second[edge++] = j;
            }
        }
        _second = tensor(second, device: device).DetachFromDisposeScope();
    }

    public int Particles { get; }

    /// <summary>Per-node values [B, N, F] at the second particle j of every pair: [B, N, N−1, F].</summary>
    public Tensor AtSecond(Tensor nodes) =>
        nodes.index_select(1, _second).view(nodes.shape[0], Particles, Particles - 1, nodes.shape[2]);

    /// <summary>Σ_j of per-edge values [B, N, N−1, F] into each node i: [B, N, F].</summary>
    public static Tensor SumOverSecond(Tensor edges) => edges.sum(2);

    /// <summary>x_i − x_j [B, N, N−1, D] and |x_i − x_j|² [B, N, N−1, 1] for coordinates [B, N, D].</summary>
    public (Tensor Difference, Tensor SquaredDistance) Differences(Tensor x)
    {
        var difference = x.unsqueeze(2) - AtSecond(x);
        return (difference, (difference * difference).sum(-1, keepdim: true));
    }

    public void Dispose() => _second.Dispose();
}
