using Orchestrator.Training.Autodiff;
using Orchestrator.Training.Numerics;
using static TorchSharp.torch;

namespace Orchestrator.Training.Flows;

/// <summary>
/// Exact change of variables with full D×D Jacobians (D reverse passes; slogdet in float64), for evaluation.
/// Rows are the last-but-one dimension: [B, D], or a pack's [M, B, D] with one value per member and row.
/// </summary>
public static class ExactLikelihood
{
    /// <summary>Decoder version: log p(θ|c) = log N(f(θ)) − log|det J_g(f(θ))|. One value per row.</summary>
    public static Tensor DecoderLogProb(IConditionalFlow flow, Tensor theta, Tensor c)
    {
        using var scope = NewDisposeScope();
        Tensor z;
        using (no_grad())
            z = flow.Encode(theta, c);
        var zIn = z.detach().requires_grad_(true);
        Tensor jacobian;
        using (enable_grad())
            jacobian = SafeGrad.BatchJacobian(flow.Decode(zIn, c), zIn);
        return (StandardNormal.LogProb(z).to(float64) - LogAbsDet(jacobian)).MoveToOuterDisposeScope();
    }

    /// <summary>Encoder version: log p(θ|c) = log N(f(θ)) + log|det J_f(θ)|. One value per row.</summary>
    public static Tensor EncoderLogProb(IConditionalFlow flow, Tensor theta, Tensor c)
    {
        using var scope = NewDisposeScope();
        var x = theta.detach().requires_grad_(true);
        Tensor z, jacobian;
        using (enable_grad())
        {
            z = flow.Encode(x, c);
            jacobian = SafeGrad.BatchJacobian(z, x);
        }
        return StandardNormal.LogProb(z.detach()).to(float64).Plus(LogAbsDet(jacobian)).MoveToOuterDisposeScope();
    }

    /// <summary>Mean squared reconstruction error ‖θ − g(f(θ))‖² (summed over dimensions) per row.</summary>
    public static Tensor Reconstruction(IConditionalFlow flow, Tensor theta, Tensor c)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var error = theta - flow.Decode(flow.Encode(theta, c), c);
        return (error * error).sum(-1).MoveToOuterDisposeScope();
    }

    private static Tensor LogAbsDet(Tensor jacobian)
    {
        var (_, logAbsDet) = linalg.slogdet(jacobian.to(float64));
        return logAbsDet;
    }
}
