using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows;

/// <summary>The rational-quadratic spline coupling transform (baseline): one conditioner for all spline parameters.</summary>
public sealed class SplineCouplingTransform : CouplingTransform
{
    private readonly ConditionerNet _net;
    private readonly int _transformed;
    private readonly int _perElement;
    private readonly bool _circular;

    public SplineCouplingTransform(int features, int transformed, CouplingFlowOptions options) : base("spline_transform")
    {
        _transformed = transformed;
        _circular = options.Circular;
        _perElement = RqSpline.ParameterCount(options.Components, options.Circular);
        _net = new ConditionerNet("net", features, transformed * _perElement, options.HiddenWidth, options.HiddenLayers);
        RegisterComponents();
    }

    public override (Tensor Y, Tensor LogDerivative) Forward(Tensor x, Tensor features) =>
        RqSpline.Forward(x, Raw(features), _circular);

    public override (Tensor X, Tensor LogDerivative) Inverse(Tensor y, Tensor features) =>
        RqSpline.Inverse(y, Raw(features), _circular);

    private Tensor Raw(Tensor features) => _net.forward(features).view(-1, _transformed, _perElement);
}
