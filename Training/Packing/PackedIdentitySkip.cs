using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Packing;

/// <summary>x + h(x; c) for a packed h, as <see cref="Networks.IdentitySkip"/> (its near-zero start comes with the members' weights).</summary>
public sealed class PackedIdentitySkip : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor, Tensor> _inner;

    public PackedIdentitySkip(nn.Module<Tensor, Tensor, Tensor> inner) : base("packed_identity_skip")
    {
        _inner = inner;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor c) => x.add(_inner.forward(x, c), PackScalars.One);
}
