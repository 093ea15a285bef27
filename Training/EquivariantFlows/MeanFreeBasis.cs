using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>
/// An orthonormal basis Q [N·D, (N−1)·D] of the mean-free subspace Σ_i x_i = 0, from the Helmert matrix:
/// y = x Q are (N−1)·D coordinates of a mean-free x, and x = y Qᵀ maps back. Being an isometry, it leaves
/// densities unchanged, so a flow on y with a N(0, I) prior is a generator on the mean-free subspace with the
/// same prior as the equivariant one.
/// </summary>
public static class MeanFreeBasis
{
    public static Tensor Create(int particles, int dimensions, ScalarType dtype)
    {
        // Helmert rows k = 1 … N−1: 1/sqrt(k(k+1)) on the first k particles, −k/sqrt(k(k+1)) on particle k.
        var helmert = new double[particles - 1, particles];
        for (var k = 1; k < particles; k++)
        {
            var norm = Math.Sqrt(k * (k + 1.0));
            for (var i = 0; i < k; i++)
                helmert[k - 1, i] = 1 / norm;
            helmert[k - 1, k] = -k / norm;
        }
        using var h = tensor(helmert, dtype: dtype);
        using var identity = eye(dimensions, dtype: dtype);
        // Particle-major flat layout: coordinate (i, a) is column i·D + a, so Q = Hᵀ ⊗ I_D.
        using var ht = h.t().contiguous();
        return kron(ht, identity);
    }
}
