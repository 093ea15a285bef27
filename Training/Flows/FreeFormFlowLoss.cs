using TorchSharp;
using Orchestrator.Training.Autodiff;
using Orchestrator.Training.Numerics;
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
    /// <summary>
    /// The batch loss and its parts, each averaged over the batch. The parts are read only when asked for: the trainer
    /// needs just the loss, and each read is a reduction and a device sync.
    /// </summary>
    public sealed class Terms(Tensor loss, Tensor nll, Tensor reconstruction) : IDisposable
    {
        public Tensor Loss => loss;

        public double Nll => Mean(nll);

        public double Reconstruction => Mean(reconstruction);

        private static double Mean(Tensor perSample)
        {
            using var mean = perSample.mean();
            return mean.ToDouble();
        }

        public void Dispose()
        {
            loss.Dispose();
            nll.Dispose();
            reconstruction.Dispose();
        }
    }

    /// <summary>
    /// Hutchinson vectors: per sample a D×K Gaussian matrix with orthonormalised columns (QR), scaled by √D.
    /// For K = 1 this is a Gaussian vector normalised to length √D. Returns [B, D, K].
    /// </summary>
    public static Tensor HutchinsonVectors(long batch, long dim, int k, ScalarType dtype, Device device, Generator rng)
    {
        using var gaussian = randn([batch, dim, k], dtype: dtype, device: device, generator: rng);
        return OrthonormalColumns(gaussian);
    }

    /// <summary>
    /// Gaussian matrices [..., D, K] → orthonormal columns scaled by √D (the second half of <see cref="HutchinsonVectors"/>,
    /// separate so that a pack can draw each member's Gaussians from its own generator and scale them in one call).
    /// </summary>
    public static Tensor OrthonormalColumns(Tensor gaussian)
    {
        using var scope = NewDisposeScope();
        var q = gaussian.shape[^1] == 1
            ? gaussian / gaussian.norm(-2, keepdim: true)
            : linalg.qr(gaussian).Q;
        using var radius = Math.Sqrt(gaussian.shape[^2]).ToScalar();
        return q.mul(radius).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Surrogate Σ_k (v_kᵀ J_f) · SG(J_g v_k) / K per sample, with J_f at θ (VJP, graph kept so the loss
    /// differentiates through it) and J_g at z = f(θ) (JVP by double backward, detached). Samples are rows of the
    /// last-but-one dimension ([B, D] or a pack's [M, B, D]; vectors [..., D, K]).
    /// </summary>
    public static Tensor Surrogate(Tensor theta, Tensor z, Tensor thetaHat, Tensor vectors)
    {
        using var scope = NewDisposeScope();
        var k = (int)vectors.shape[^1];
        Tensor? surrogate = null;
        for (var i = 0; i < k; i++)
        {
            var v = vectors.select(-1, i);
            var vJf = SafeGrad.Vjp(z, theta, v, createGraph: true, retainGraph: true);
            var jgV = SafeGrad.Jvp(thetaHat, z, v);
            var term = (vJf * jgV).sum(-1);
            surrogate = surrogate is null ? term : surrogate.Plus(term);
        }
        if (k > 1)
        {
            using var perVector = (1.0 / k).ToScalar(); // one vector (the default) needs no average: one op less per step
            surrogate = surrogate!.mul(perVector);
        }
        return surrogate!.MoveToOuterDisposeScope();
    }

    /// <summary>The batch loss (mean over samples) and its parts, ready for backward().</summary>
    public static Terms Compute(IConditionalFlow flow, Tensor theta, Tensor c, double beta, int hutchinsonSamples, Generator rng)
    {
        using var scope = NewDisposeScope();
        var x = theta.detach().requires_grad_(true);
        var vectors = HutchinsonVectors(x.shape[0], x.shape[1], hutchinsonSamples, x.dtype, x.device, rng);
        var (reconstruction, nll) = PerSample(flow, x, c, vectors);
        using var betaScalar = beta.ToScalar();
        var loss = reconstruction.mul(betaScalar).Plus(nll).mean();
        return new Terms(loss.MoveToOuterDisposeScope(), nll.MoveToOuterDisposeScope(), reconstruction.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Per sample (rows of the last-but-one dimension): the reconstruction error ‖θ − g(f(θ))‖² and the surrogate NLL
    /// −log N(f(θ)) − surrogate. <paramref name="x"/> is θ requiring grad; <paramref name="vectors"/> the Hutchinson vectors.
    /// </summary>
    public static (Tensor Reconstruction, Tensor Nll) PerSample(IConditionalFlow flow, Tensor x, Tensor c, Tensor vectors)
    {
        using var scope = NewDisposeScope();
        var z = flow.Encode(x, c);
        var thetaHat = flow.Decode(z, c);
        var surrogate = Surrogate(x, z, thetaHat, vectors);
        var nll = -StandardNormal.LogProb(z) - surrogate;
        var error = x - thetaHat;
        var reconstruction = (error * error).sum(-1);
        return (reconstruction.MoveToOuterDisposeScope(), nll.MoveToOuterDisposeScope());
    }
}
