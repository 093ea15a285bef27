using TorchSharp;
using Orchestrator.Training.Autodiff;
using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows.Toys;

/// <summary>
/// The 2-D toy energies of spec §3 on [0, 1]² (X = 2πx − π, Y = 2πy − π): concentric Gaussian rings
/// U = −log Σ_i w_i exp(−(r − r_i)² / (2 s²)) with (r_i, w_i) = (1, 1), (2, 0.8), (1.5, 0.6), (2.5, 0.4).
/// Non-periodic: r = √(X² + Y²), s = 0.06. Periodic: r = √(cos(X²/2) + 1 + cos(Y²/2) + 1), s = 0.05 (the spec's
/// formula; its value matches across x = 0 ≡ 1, its slope does not).
/// Evaluated as a logsumexp so that U stays finite far from the rings.
/// </summary>
public sealed class RingEnergy : IDisposable
{
    private static readonly double[] Radii = [1.0, 2.0, 1.5, 2.5];
    private static readonly double[] Weights = [1.0, 0.8, 0.6, 0.4];
    private readonly Scalar _inverseTwoSigmaSquared;

    public RingEnergy(bool periodic)
    {
        Periodic = periodic;
        var sigma = periodic ? 0.05 : 0.06;
        _inverseTwoSigmaSquared = (-1 / (2 * sigma * sigma)).ToScalar();
    }

    public bool Periodic { get; }

    /// <summary>Name used in benchmark tables.</summary>
    public string Name => Periodic ? "periodic rings" : "rings";

    /// <summary>U(x) [B] for x [B, 2] in [0, 1]².</summary>
    public Tensor Energy(Tensor x)
    {
        var angles = x * Constants.TwoPi - Constants.Pi;
        var r = Periodic
            ? ((angles * angles * Constants.Half).cos() + Constants.One).sum(1).sqrt()
            : (angles * angles).sum(1).sqrt();
        var radii = tensor(Radii, dtype: x.dtype, device: x.device);
        var logWeights = tensor(Weights, dtype: x.dtype, device: x.device).log();
        var distance = r.unsqueeze(1) - radii;
        return -(logWeights + distance * distance * _inverseTwoSigmaSquared).logsumexp(1, false);
    }

    /// <summary>The reference force −∇U(x) [B, 2] (detached).</summary>
    public Tensor Force(Tensor x)
    {
        using var _ = enable_grad();
        var leaf = x.detach().clone().requires_grad_(true);
        var energy = Energy(leaf).sum();
        return (-SafeGrad.Vjp(energy, leaf, ones_like(energy), createGraph: false, retainGraph: false)).detach();
    }

    public void Dispose() => _inverseTwoSigmaSquared.Dispose();
}
