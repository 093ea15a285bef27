using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Networks;

/// <summary>
/// The FFF paper's residual networks. "ResNet S": [x, c] → 50, ten GLU-gated residual blocks of width 50, → D.
/// "ResNet L": two linear layers of 256, four residual blocks of 256 without gates, → D.
/// </summary>
public sealed class ResidualNet : ConditionalNetwork
{
    private readonly nn.Module<Tensor, Tensor> _in;
    private readonly TorchSharp.Modules.ModuleList<GatedResidualBlock> _blocks;
    private readonly nn.Module<Tensor, Tensor> _out;

    private ResidualNet(string name, int dim, int conditionDim, int width, int blocks, bool gated, bool twoInputLayers) : base(name)
    {
        _in = twoInputLayers
            ? nn.Sequential(nn.Linear(dim + conditionDim, width), nn.ReLU(), nn.Linear(width, width))
            : nn.Linear(dim + conditionDim, width);
        _blocks = nn.ModuleList(Enumerable.Range(0, blocks).Select(_ => new GatedResidualBlock(width, conditionDim, gated)).ToArray());
        _out = nn.Linear(width, dim);
        RegisterComponents();
    }

    public static ResidualNet Small(int dim, int conditionDim) => new("resnet_s", dim, conditionDim, 50, 10, gated: true, twoInputLayers: false);

    public static ResidualNet Large(int dim, int conditionDim) => new("resnet_l", dim, conditionDim, 256, 4, gated: false, twoInputLayers: true);

    public override Tensor forward(Tensor x, Tensor c)
    {
        using var scope = NewDisposeScope();
        var t = _in.forward(cat([x, c], 1));
        foreach (var block in _blocks)
            t = block.forward(t, c);
        return _out.forward(t).MoveToOuterDisposeScope();
    }

    public override void ZeroLastLayers()
    {
        foreach (var block in _blocks)
            Shrink(block.LastLayer);
        Shrink(_out);
    }
}
