using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Networks;

/// <summary>A dimension-preserving network y = h(x; c) conditioned on c (the observation).</summary>
public abstract class ConditionalNetwork(string name) : nn.Module<Tensor, Tensor, Tensor>(name)
{
    /// <summary>
    /// Scales the last layer of every residual branch (and the output head) towards zero, so that with the
    /// identity skip of <see cref="IdentitySkip"/> the network starts near the identity map.
    /// </summary>
    public abstract void ZeroLastLayers();

    /// <summary>Shrinks a linear layer's weight and zeros its bias (in place, no graph).</summary>
    protected static void Shrink(nn.Module<Tensor, Tensor> linear, double scale = 1e-3)
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in linear.named_parameters())
        {
            if (name == "bias")
                parameter.zero_();
            else
                parameter.mul_(scale);
        }
    }
}
