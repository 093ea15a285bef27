using Orchestrator.Training.Numerics;
using static TorchSharp.torch;

namespace Orchestrator.Training.Networks;

/// <summary>
/// x + h(x; c) with h's last layers near zero: the network starts near the identity, which the FFF paper
/// recommends so that encoder and decoder begin as each other's inverse.
/// </summary>
public sealed class IdentitySkip : ConditionalNetwork
{
    private readonly ConditionalNetwork _inner;

    public IdentitySkip(ConditionalNetwork inner) : base($"identity_skip_{inner.GetName()}")
    {
        _inner = inner;
        _inner.ZeroLastLayers();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor c) => x.Plus(_inner.forward(x, c));

    public override void ZeroLastLayers() => _inner.ZeroLastLayers();
}
