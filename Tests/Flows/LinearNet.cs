using Orchestrator.Training.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Flows;

/// <summary>y = x Wᵀ, ignoring the condition: an exactly invertible network with an analytic log-det.</summary>
internal sealed class LinearNet : ConditionalNetwork
{
    private readonly TorchSharp.Modules.Parameter _weight;

    public LinearNet(Tensor weight) : base("linear_net")
    {
        _weight = nn.Parameter(weight.clone());
        RegisterComponents();
    }

    public Tensor Weight => _weight;

    public override Tensor forward(Tensor x, Tensor c) => x.mm(_weight.t());

    public override void ZeroLastLayers()
    {
    }
}
