using TorchSharp;
using Orchestrator.Training.Numerics;
using static TorchSharp.torch;

namespace Orchestrator.Training.Networks;

/// <summary>
/// One residual block t ← t + r with r = MLP([t, c]) (ReLU); with a GLU gate the branch is further
/// multiplied by sigmoid(W c + b), the FFF paper's "ResNet S" conditioning.
/// </summary>
public sealed class GatedResidualBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _first;
    private readonly nn.Module<Tensor, Tensor> _last;
    private readonly nn.Module<Tensor, Tensor>? _gate;

    public GatedResidualBlock(int width, int conditionDim, bool gated) : base("gated_residual_block")
    {
        _first = nn.Linear(width + conditionDim, width);
        _last = nn.Linear(width, width);
        _gate = gated ? nn.Linear(conditionDim, width) : null;
        RegisterComponents();
    }

    /// <summary>The branch's last layer, shrunk for a near-identity start.</summary>
    public nn.Module<Tensor, Tensor> LastLayer => _last;

    public override Tensor forward(Tensor t, Tensor c)
    {
        using var scope = NewDisposeScope();
        var r = _last.forward(nn.functional.relu(_first.forward(cat([t, c], 1))));
        if (_gate is not null)
            r = r * sigmoid(_gate.forward(c));
        return t.Plus(r).MoveToOuterDisposeScope();
    }
}
