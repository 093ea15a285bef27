using TorchSharp;
using Orchestrator.Training.Autodiff;
using static TorchSharp.torch;

namespace Orchestrator.Training.Flows;

/// <summary>
/// The free-form flow training loss (Draxler et al. 2024), per sample:
///     L = β · ‖θ − g(f(θ))‖²  −  log N(f(θ); 0, I)  −  surrogate,
///     surrogate = Σ_k (v_kᵀ J_f(θ)) · SG(J_g(z) v_k) / K,
/// whose gradient in the encoder's parameters estimates ∇ log|det J_f| when g ≈ f⁻¹.
/// </summary>
public static class FreeFormFlowLoss
{
    /// <summary>Parts of the loss, each averaged over the batch.</summary>
    public sealed record Terms(Tensor Loss, double Nll, double Reconstruction) : IDisposable
    {
        public void Dispose() => Loss.Dispose();
    }

    /// <summary>
    /// Hutchinson vectors: per sample a D×K Gaussian matrix with orthonormalised columns (QR), scaled by √D.
    /// For K = 1 this is a Gaussian vector normalised to length √D. Returns [B, D, K].
    /// </summary>
    public static Tensor HutchinsonVectors(long batch, long dim, int k, ScalarType dtype, Device device, Generator rng)
    {
        using var scope = NewDisposeScope();
        var gaussian = randn([batch, dim, k], dtype: dtype, device: device, generator: rng);
        var q = k == 1
            ? gaussian / gaussian.norm(1, keepdim: true)
            : linalg.qr(gaussian).Q;
        using var radius = Math.Sqrt(dim).ToScalar();
        return q.mul(radius).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Surrogate Σ_k (v_kᵀ J_f) · SG(J_g v_k) / K per sample, with J_f at θ (VJP, graph kept so the loss
    /// differentiates through it) and J_g at z = f(θ) (JVP by double backward, detached).
    /// </summary>
    public static Tensor Surrogate(Tensor theta, Tensor z, Tensor thetaHat, Tensor vectors)
    {
        using var scope = NewDisposeScope();
        var k = (int)vectors.shape[2];
        using var perVector = (1.0 / k).ToScalar();
        Tensor? surrogate = null;
        for (var i = 0; i < k; i++)
        {
            var v = vectors[.., .., i];
            var vJf = SafeGrad.Vjp(z, theta, v, createGraph: true, retainGraph: true);
            var jgV = SafeGrad.Jvp(thetaHat, z, v);
            var term = (vJf * jgV).sum(1).mul(perVector);
            surrogate = surrogate is null ? term : surrogate + term;
        }
        return surrogate!.MoveToOuterDisposeScope();
    }

    /// <summary>The batch loss (mean over samples) and its parts, ready for backward().</summary>
    public static Terms Compute(FreeFormFlow flow, Tensor theta, Tensor c, double beta, int hutchinsonSamples, Generator rng)
    {
        using var scope = NewDisposeScope();
        var x = theta.detach().requires_grad_(true);
        var z = flow.Encode(x, c);
        var thetaHat = flow.Decode(z, c);
        var vectors = HutchinsonVectors(x.shape[0], x.shape[1], hutchinsonSamples, x.dtype, x.device, rng);
        var surrogate = Surrogate(x, z, thetaHat, vectors);
        var nll = -StandardNormal.LogProb(z) - surrogate;
        var error = x - thetaHat;
        var reconstruction = (error * error).sum(1);
        using var betaScalar = beta.ToScalar();
        var loss = (reconstruction.mul(betaScalar) + nll).mean();
        return new Terms(loss.MoveToOuterDisposeScope(), nll.mean().ToDouble(), reconstruction.mean().ToDouble());
    }
}
