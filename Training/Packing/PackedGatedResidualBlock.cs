using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Packing;

/// <summary>M copies of <see cref="Networks.GatedResidualBlock"/> (t ← t + MLP([t, c]), optionally · sigmoid(W c + b)).</summary>
public sealed class PackedGatedResidualBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _first;
    private readonly nn.Module<Tensor, Tensor> _last;
    private readonly nn.Module<Tensor, Tensor>? _gate;

    public PackedGatedResidualBlock(long members, int width, int conditionDim, bool gated) : base("packed_gated_residual_block")
    {
        _first = new PackedLinear(members, width + conditionDim, width);
        _last = new PackedLinear(members, width, width);
        _gate = gated ? new PackedLinear(members, conditionDim, width) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor t, Tensor c)
    {
        using var scope = NewDisposeScope();
        var r = _last.forward(nn.functional.relu(_first.forward(cat([t, c], -1))));
        if (_gate is not null)
            r = r * sigmoid(_gate.forward(c));
        return t.add(r, PackScalars.One).MoveToOuterDisposeScope();
    }
}
