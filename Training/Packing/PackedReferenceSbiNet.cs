using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Packing;

/// <summary>
/// M copies of <see cref="Networks.ReferenceSbiNet"/> evaluated together on [M, B, ·] inputs; fields and layer
/// indices mirror the standalone net so that parameter names match.
/// </summary>
public sealed class PackedReferenceSbiNet : nn.Module<Tensor, Tensor, Tensor>
{
    private const int Width = 256;
    private readonly nn.Module<Tensor, Tensor> _head;
    private readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> _blocks;
    private readonly nn.Module<Tensor, Tensor> _out;

    public PackedReferenceSbiNet(long members, int dim, int conditionDim) : base("packed_reference_sbi_net")
    {
        var joint = dim + conditionDim;
        _head = nn.Sequential(new PackedLinear(members, joint, Width), nn.SiLU(), new PackedLinear(members, Width, Width), nn.SiLU(),
            new PackedLinear(members, Width, dim));
        _blocks = nn.ModuleList<nn.Module<Tensor, Tensor>>(Block(members, joint), Block(members, joint));
        _out = new PackedLinear(members, joint, dim);
        RegisterComponents();
    }

    private static nn.Module<Tensor, Tensor> Block(long members, int joint) =>
        nn.Sequential(new PackedLinear(members, joint, Width), nn.SiLU(), new PackedLinear(members, Width, Width), nn.SiLU(),
            new PackedLinear(members, Width, joint));

    public override Tensor forward(Tensor x, Tensor c)
    {
        using var scope = NewDisposeScope();
        var h = cat([_head.forward(cat([x, c], -1)), c], -1);
        foreach (var block in _blocks)
            h = h.add(block.forward(h), PackScalars.One);
        return _out.forward(h).MoveToOuterDisposeScope();
    }
}
