using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows;

/// <summary>
/// A conditioner MLP [in, hidden…, out] with SiLU. The output layer starts at zero, so every coupling starts
/// as the transform its heads give at zero (evenly spread bumps, or the identity spline).
/// </summary>
public sealed class ConditionerNet : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _layers;

    public ConditionerNet(string name, int inputs, int outputs, int hiddenWidth, int hiddenLayers) : base(name)
    {
        var modules = new List<nn.Module<Tensor, Tensor>>();
        var width = inputs;
        for (var i = 0; i < hiddenLayers; i++)
        {
            modules.Add(nn.Linear(width, hiddenWidth));
            modules.Add(nn.SiLU());
            width = hiddenWidth;
        }
        var output = nn.Linear(width, outputs);
        using (no_grad())
        {
            output.weight!.zero_();
            output.bias!.zero_();
        }
        modules.Add(output);
        _layers = nn.Sequential(modules);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => _layers.forward(input);
}
