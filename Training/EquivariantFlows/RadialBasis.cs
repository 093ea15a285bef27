using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>
/// Normalised Gaussian radial basis functions with fixed centres μ_k and trainable widths γ_k (spec §5):
/// ρ_k(d) = g_k(d) / (ε + Σ_k' g_k'(d)), g_k(d) = exp(−(d − μ_k)²/γ_k²), ε = 1e-6.
/// Also returns dρ_k/dd in closed form, which the exact divergence needs.
/// </summary>
public sealed class RadialBasis : nn.Module
{
    private readonly Tensor _centres;
    // log γ: widths stay positive whatever step the optimiser takes.
    private readonly TorchSharp.Modules.Parameter _logWidths;
    // ε as a 0-d tensor, not a Scalar: a Scalar's native memory was seen corrupted here mid-run (libtorch's
    // "toDouble" check failed); tensors are reference-counted by libtorch. Not a buffer: the state dict stays as it was.
    private readonly Tensor _epsilon;

    /// <param name="count">Number of centres K, evenly spaced on [low, high] (both ends included).</param>
    public RadialBasis(int count, double low, double high, double width, ScalarType dtype) : base("radial_basis")
    {
        _centres = linspace(low, high, count, dtype: dtype);
        _epsilon = tensor(1e-6, dtype: dtype);
        _logWidths = nn.Parameter(tensor(Enumerable.Repeat(Math.Log(width), count).ToArray(), dtype: dtype));
        register_buffer("centres", _centres);
        register_parameter("log_widths", _logWidths);
    }

    public int Count => (int)_centres.shape[0];

    /// <summary>Current widths γ_k (detached copy).</summary>
    public Tensor Widths()
    {
        using var _ = no_grad();
        return _logWidths.exp();
    }

    /// <summary>ρ(d) and ∂ρ/∂d, both of shape [..., K] for d of shape [...].</summary>
    public (Tensor Rho, Tensor RhoPrime) Evaluate(Tensor d)
    {
        using var scope = NewDisposeScope();
        var inverseWidthSquared = (_logWidths + _logWidths).neg().exp();   // 1/γ² = exp(−2 log γ), exact doubling
        var offset = d.unsqueeze(-1) - _centres;                            // d − μ
        var slope = offset * inverseWidthSquared;                           // (d − μ)/γ²
        var g = (offset * slope).neg().exp();                               // exp(−(d − μ)²/γ²)
        var gSlope = g * slope;
        var gPrime = (gSlope + gSlope).neg();                               // g' = −2 (d − μ)/γ² g
        var normaliser = g.sum(-1, keepdim: true).add(_epsilon);            // ε + Σ g
        var rho = g / normaliser;
        // (g/S)' = g'/S − g S'/S², S' = Σ g'.
        var rhoPrime = (gPrime - rho * gPrime.sum(-1, keepdim: true)) / normaliser;
        return (rho.MoveToOuterDisposeScope(), rhoPrime.MoveToOuterDisposeScope());
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _epsilon.Dispose();
        }
        base.Dispose(disposing);
    }
}
