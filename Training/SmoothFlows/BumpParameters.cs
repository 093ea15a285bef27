using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows;

/// <summary>
/// Constrained parameters of a K-component bump mixture, each [..., K] for inputs of shape [...] (spec §1):
/// mixture log-weights, ramp slopes a, centres μ ∈ (0, 1] (sorted), log widths log σ (width 1/σ) and
/// density floors c ∈ [c_lb, 1].
/// </summary>
public sealed record BumpParameters(Tensor LogWeights, Tensor Slopes, Tensor Centres, Tensor LogScales, Tensor Floors)
{
    /// <summary>The same parameters with a broadcast axis inserted before the component axis (for a grid of inputs).</summary>
    public BumpParameters WithGridAxis() => Map(t => t.unsqueeze(-2));

    /// <summary>The same parameters with every tensor mapped (dtype change, detach, …).</summary>
    public BumpParameters Map(Func<Tensor, Tensor> map) =>
        new(map(LogWeights), map(Slopes), map(Centres), map(LogScales), map(Floors));
}
