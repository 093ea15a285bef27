using TorchSharp;
using Orchestrator.Training.Autodiff;
using Orchestrator.Training.Numerics;
using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows;

/// <summary>Weights of L = ω_n NLL + ω_k KL(q‖p) + ω_f FM (spec §3).</summary>
public sealed record LossWeights(double Nll = 1, double Kl = 0, double ForceMatching = 0)
{
    public void Validate()
    {
        if (Nll < 0 || Kl < 0 || ForceMatching < 0 || Nll + Kl + ForceMatching == 0)
            throw new ArgumentException($"Loss weights must be non-negative and not all zero (got {this}).");
    }
}

/// <summary>The terms of one loss evaluation (the total carries the graph; the parts are detached values).</summary>
public sealed record LossTerms(Tensor Total, double Nll, double Kl, double ForceMatching);

/// <summary>
/// The smooth-flow losses. NLL on data; force matching E_data ‖F_ref − ∇ log q‖², which backpropagates
/// through ∇ log q (second derivatives of the flow: what smoothness makes trainable); reverse KL
/// E_{x∼q}[log q(x) + U(x)] (up to log Z) through the flow's sampling direction.
/// </summary>
public sealed class FlowLosses : IDisposable
{
    private readonly Scalar _nll, _kl, _fm;

    public FlowLosses(LossWeights weights)
    {
        weights.Validate();
        Weights = weights;
        (_nll, _kl, _fm) = (weights.Nll.ToScalar(), weights.Kl.ToScalar(), weights.ForceMatching.ToScalar());
    }

    public LossWeights Weights { get; }

    /// <summary>log q(x) and ∇_x log q(x); with <paramref name="createGraph"/> the gradient is differentiable again.</summary>
    public static (Tensor LogProb, Tensor Force) LogProbAndForce(CouplingFlow flow, Tensor x, bool createGraph)
    {
        var leaf = x.detach().clone().requires_grad_(true);
        var logProb = flow.LogProb(leaf);
        var total = logProb.sum();
        var force = SafeGrad.Vjp(total, leaf, ones_like(total), createGraph, retainGraph: createGraph);
        return (logProb, force);
    }

    /// <summary>
    /// The weighted loss on a data batch with its reference forces (−∇U) and, when ω_k &gt; 0, on
    /// <paramref name="klSamples"/> samples from the flow scored by <paramref name="energy"/>.
    /// </summary>
    public LossTerms Evaluate(CouplingFlow flow, Tensor data, Tensor referenceForce, Func<Tensor, Tensor>? energy, long klSamples, Generator generator)
    {
        Tensor? total = null;
        double nll = 0, kl = 0, fm = 0;
        if (Weights.Nll > 0 || Weights.ForceMatching > 0)
        {
            Tensor logProb;
            if (Weights.ForceMatching > 0)
            {
                (logProb, var force) = LogProbAndForce(flow, data, createGraph: true);
                var residual = referenceForce - force;
                var matching = (residual * residual).sum(1).mean();
                fm = matching.ToDouble();
                total = matching * _fm;
            }
            else
            {
                logProb = flow.LogProb(data);
            }
            var negativeLogLikelihood = -logProb.mean();
            nll = negativeLogLikelihood.ToDouble();
            if (Weights.Nll > 0)
                total = total is null ? negativeLogLikelihood * _nll : total.Plus(negativeLogLikelihood * _nll);
        }
        if (Weights.Kl > 0)
        {
            if (energy is null)
                throw new InvalidOperationException("KL training needs the target energy.");
            var (samples, logProb) = flow.Sample(klSamples, generator);
            var reverseKl = logProb.Plus(energy(samples)).mean();
            kl = reverseKl.ToDouble();
            total = total is null ? reverseKl * _kl : total.Plus(reverseKl * _kl);
        }
        return new LossTerms(total!, nll, kl, fm);
    }

    public void Dispose()
    {
        _nll.Dispose();
        _kl.Dispose();
        _fm.Dispose();
    }
}
