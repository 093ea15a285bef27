using static TorchSharp.torch;

namespace Orchestrator.Training.Networks.Equivariant;

/// <summary>
/// The fully connected edge set of an E(n)-GNN: every ordered pair i ≠ j, ordered by i then j, so that a per-edge
/// tensor [B, N(N−1), F] reshapes to [B, N, N−1, F] and Σ_j is a sum over dimension 2.
/// </summary>
public sealed class ParticlePairs : IDisposable
{
    public ParticlePairs(int particles, Device device)
    {
        Particles = particles;
        var first = new List<long>();
        var second = new List<long>();
        for (var i = 0; i < particles; i++)
        {
            for (var j = 0; j < particles; j++)
            {
                if (i == j)
                    continue;
                first.Add(i);
                second.Add(j);
            }
        }
        First = tensor(first.ToArray(), device: device).DetachFromDisposeScope();
        Second = tensor(second.ToArray(), device: device).DetachFromDisposeScope();
    }

    public int Particles { get; }

    /// <summary>Index i of each edge.</summary>
    public Tensor First { get; }

    /// <summary>Index j of each edge.</summary>
    public Tensor Second { get; }

    /// <summary>Per-node values [B, N, F] at (i, j) of every edge: two [B, N(N−1), F] tensors.</summary>
    public (Tensor AtFirst, Tensor AtSecond) Gather(Tensor nodes) => (nodes.index_select(1, First), nodes.index_select(1, Second));

    /// <summary>Σ_j of per-edge values [B, N(N−1), F] into each node i: [B, N, F].</summary>
    public Tensor SumIntoFirst(Tensor edges) => edges.reshape(edges.shape[0], Particles, Particles - 1, edges.shape[2]).sum(2);

    /// <summary>x_i − x_j [B, E, D] and |x_i − x_j|² [B, E, 1] for coordinates [B, N, D].</summary>
    public (Tensor Difference, Tensor SquaredDistance) Differences(Tensor x)
    {
        var (xi, xj) = Gather(x);
        var difference = xi - xj;
        return (difference, (difference * difference).sum(-1, keepdim: true));
    }

    public void Dispose()
    {
        First.Dispose();
        Second.Dispose();
    }
}
