using TorchSharp;
using Orchestrator.Training.Numerics;
using static TorchSharp.torch;

namespace Orchestrator.Training.Networks;

/// <summary>
/// The FFF reference code's SBI network: a fully connected net [x, c] → 256 → 256 → D (SiLU), then a residual
/// net of two blocks acting on [h, c] (each [h, c] → 256 → 256 → D + C, added), then a linear map to D.
/// </summary>
public sealed class ReferenceSbiNet : ConditionalNetwork
{
    private const int Width = 256;
    private readonly nn.Module<Tensor, Tensor> _head;
    private readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> _blocks;
    private readonly nn.Module<Tensor, Tensor> _out;

    public ReferenceSbiNet(int dim, int conditionDim) : base("reference_sbi_net")
    {
        var joint = dim + conditionDim;
        _head = nn.Sequential(nn.Linear(joint, Width), nn.SiLU(), nn.Linear(Width, Width), nn.SiLU(), nn.Linear(Width, dim));
        _blocks = nn.ModuleList<nn.Module<Tensor, Tensor>>(
            Block(joint), Block(joint));
        _out = nn.Linear(joint, dim);
        RegisterComponents();
    }

    private static nn.Module<Tensor, Tensor> Block(int joint) =>
        nn.Sequential(nn.Linear(joint, Width), nn.SiLU(), nn.Linear(Width, Width), nn.SiLU(), nn.Linear(Width, joint));

    public override Tensor forward(Tensor x, Tensor c)
    {
        using var scope = NewDisposeScope();
        var h = cat([_head.forward(cat([x, c], 1)), c], 1);
        foreach (var block in _blocks)
            h = h.Plus(block.forward(h));
        return _out.forward(h).MoveToOuterDisposeScope();
    }

    public override void ZeroLastLayers() => Shrink(_out);
}
