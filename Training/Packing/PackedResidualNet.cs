using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Packing;

/// <summary>M copies of <see cref="Networks.ResidualNet"/> ("ResNet S" or "ResNet L") evaluated together.</summary>
public sealed class PackedResidualNet : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _in;
    private readonly TorchSharp.Modules.ModuleList<PackedGatedResidualBlock> _blocks;
    private readonly nn.Module<Tensor, Tensor> _out;

    private PackedResidualNet(string name, long members, int dim, int conditionDim, int width, int blocks, bool gated, bool twoInputLayers) : base(name)
    {
        _in = twoInputLayers
            ? nn.Sequential(new PackedLinear(members, dim + conditionDim, width), nn.ReLU(), new PackedLinear(members, width, width))
            : new PackedLinear(members, dim + conditionDim, width);
        _blocks = nn.ModuleList(Enumerable.Range(0, blocks).Select(_ => new PackedGatedResidualBlock(members, width, conditionDim, gated)).ToArray());
        _out = new PackedLinear(members, width, dim);
        RegisterComponents();
    }

    public static PackedResidualNet Small(long members, int dim, int conditionDim) =>
        new("packed_resnet_s", members, dim, conditionDim, 50, 10, gated: true, twoInputLayers: false);

    public static PackedResidualNet Large(long members, int dim, int conditionDim) =>
        new("packed_resnet_l", members, dim, conditionDim, 256, 4, gated: false, twoInputLayers: true);

    public override Tensor forward(Tensor x, Tensor c)
    {
        using var scope = NewDisposeScope();
        var t = _in.forward(cat([x, c], -1));
        foreach (var block in _blocks)
            t = block.forward(t, c);
        return _out.forward(t).MoveToOuterDisposeScope();
    }
}
