using static TorchSharp.torch;

namespace Orchestrator.Training.Boltzmann;

/// <summary>Pair geometry and the centre of mass of flat particle configurations [B, N·D].</summary>
public static class ParticleGeometry
{
    /// <summary>x [B, N·D] viewed as [B, N, D].</summary>
    public static Tensor AsParticles(Tensor x, int particles, int dimensions) =>
        x.reshape(x.shape[0], particles, dimensions);

    /// <summary>The unordered pairs i &lt; j as two index tensors (row-major order: (0,1), (0,2), …).</summary>
    public static (Tensor First, Tensor Second) UnorderedPairs(int particles, Device device)
    {
        var first = new List<long>();
        var second = new List<long>();
        for (var i = 0; i < particles; i++)
        {
            for (var j = i + 1; j < particles; j++)
            {
                first.Add(i);
                second.Add(j);
            }
        }
        return (tensor(first.ToArray(), device: device), tensor(second.ToArray(), device: device));
    }

    /// <summary>|x_i − x_j|² for every unordered pair; returns [B, N(N−1)/2].</summary>
    public static Tensor SquaredPairDistances(Tensor x, int particles, int dimensions)
    {
        using var scope = NewDisposeScope();
        var p = AsParticles(x, particles, dimensions);
        var (first, second) = UnorderedPairs(particles, x.device);
        var difference = p.index_select(1, first) - p.index_select(1, second);
        return (difference * difference).sum(-1).MoveToOuterDisposeScope();
    }

    /// <summary>The centre of mass x̄ of each row; returns [B, D].</summary>
    public static Tensor CentreOfMass(Tensor x, int particles, int dimensions) =>
        AsParticles(x, particles, dimensions).mean([1]);

    /// <summary>Each row with its centre of mass subtracted (the mean-free subspace Σ_i x_i = 0); [B, N·D].</summary>
    public static Tensor RemoveMean(Tensor x, int particles, int dimensions)
    {
        using var scope = NewDisposeScope();
        var p = AsParticles(x, particles, dimensions);
        return (p - p.mean([1], keepdim: true)).reshape(x.shape[0], particles * dimensions).MoveToOuterDisposeScope();
    }
}
