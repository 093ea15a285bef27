using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>
/// The radial-kernel vector field of "Equivariant Flows" (Köhler, Klein, Noé; spec §5) on N particles in D dimensions:
/// v_i(x, t) = Σ_{j≠i} (x_i − x_j) ψ(d_ij, t),  d_ij = sqrt(|x_i − x_j|² + 1e-6),
/// ψ(d, t) = Σ_m [Σ_k ρ_k(d) W_km + b_m] τ_m(t).
/// It is equivariant to rotations, reflections, translations and permutations, and keeps Σ_i x_i fixed
/// (the terms are antisymmetric in i, j). Its divergence is exact and O(N²):
/// div v = Σ_i Σ_{j≠i} [ (|x_i − x_j|²/d_ij) ψ'(d_ij, t) + D ψ(d_ij, t) ]
/// (the spec writes d_ij for |x_i − x_j|²/d_ij; the two differ by 1e-6/d_ij, and this form is the exact trace).
/// Coordinates are flat: x is [B, N·D], particle i at columns i·D … i·D + D − 1.
/// </summary>
public sealed class RadialVelocityField : nn.Module, IVelocityField
{
    private readonly RadialBasis _space;
    private readonly RadialBasis _time;
    private readonly TorchSharp.Modules.Parameter _weights;   // W [K, M]
    private readonly TorchSharp.Modules.Parameter _bias;      // b [M]
    private readonly Tensor _offDiagonal;                     // [N, N], 1 where i ≠ j
    // Constants as 0-d tensors, not Scalars (see RadialBasis); not buffers, so the state dict is unchanged.
    private readonly Tensor _distanceEpsilon;
    private readonly Tensor _dimension;

    public RadialVelocityField(int particles, int spatialDimension, EcnfOptions options, ScalarType dtype, Generator rng)
        : base("radial_velocity_field")
    {
        Particles = particles;
        SpatialDimension = spatialDimension;
        _distanceEpsilon = tensor(1e-6, dtype: dtype);
        _dimension = tensor((double)spatialDimension, dtype: dtype);
        _space = new RadialBasis(options.DistanceBasis, 0, options.MaxDistance, options.DistanceWidth, dtype);
        _time = new RadialBasis(options.TimeBasis, 0, 1, options.TimeWidth, dtype);
        using (var scale = (1.0 / Math.Sqrt(options.DistanceBasis)).ToScalar())
            _weights = nn.Parameter(randn([options.DistanceBasis, options.TimeBasis], dtype: dtype, generator: rng).mul_(scale));
        _bias = nn.Parameter(zeros(options.TimeBasis, dtype: dtype));
        _offDiagonal = ones(particles, particles, dtype: dtype) - eye(particles, dtype: dtype);
        register_module("space_basis", _space);
        register_module("time_basis", _time);
        register_parameter("weights", _weights);
        register_parameter("bias", _bias);
        register_buffer("off_diagonal", _offDiagonal);
    }

    public int Particles { get; }

    public int SpatialDimension { get; }

    public RadialBasis DistanceBasis => _space;

    public RadialBasis TimeBasis => _time;

    /// <summary>W (for tests that set a known field).</summary>
    public Tensor Weights => _weights;

    /// <summary>b (for tests that set a known field).</summary>
    public Tensor Bias => _bias;

    public (Tensor Velocity, Tensor Divergence) Evaluate(Tensor x, Tensor t)
    {
        using var scope = NewDisposeScope();
        var batch = x.shape[0];
        var particles = x.reshape(batch, Particles, SpatialDimension);
        var r = particles.unsqueeze(2) - particles.unsqueeze(1);            // r_ij = x_i − x_j   [B, N, N, D]
        var squared = (r * r).sum(-1);                                       // |r_ij|²          [B, N, N]
        var d = squared.add(_distanceEpsilon).sqrt();
        var (tau, _) = _time.Evaluate(t);                                    // τ(t)              [M]
        var weightsAtT = _weights.matmul(tau);                               // Σ_m W_km τ_m      [K]
        var biasAtT = (_bias * tau).sum();                                   // Σ_m b_m τ_m
        var (rho, rhoPrime) = _space.Evaluate(d);                            // [B, N, N, K]
        var psi = (rho.matmul(weightsAtT) + biasAtT) * _offDiagonal;        // ψ(d_ij, t), 0 on i = j
        var psiPrime = rhoPrime.matmul(weightsAtT);                          // ∂ψ/∂d
        var velocity = (r * psi.unsqueeze(-1)).sum(2).reshape(batch, -1);
        // On i = j, |r|² = 0 removes the ψ' term and the mask removes D ψ.
        var divergence = (squared / d * psiPrime + psi * _dimension).sum([1, 2]);
        return (velocity.MoveToOuterDisposeScope(), divergence.MoveToOuterDisposeScope());
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _distanceEpsilon.Dispose();
            _dimension.Dispose();
        }
        base.Dispose(disposing);
    }
}
