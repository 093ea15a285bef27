using TorchSharp;
using Orchestrator.Training.Numerics;
using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows;

/// <summary>
/// The smooth bump-mixture coupling transform with the spec's three conditioner heads (same input): mixture
/// weights (K per element), ramp slopes (K) and 3K shape parameters split into sorted centres, log widths and
/// density floors. Its inverse is the multi-bin bisection with implicit-function gradients.
/// </summary>
public sealed class SmoothCouplingTransform : CouplingTransform
{
    private readonly ConditionerNet _weights;
    private readonly ConditionerNet _slopes;
    private readonly ConditionerNet _shapes;
    private readonly CouplingFlowOptions _options;
    private readonly int _transformed;
    private readonly TorchSharp.Scalar _minSlope;
    private readonly TorchSharp.Scalar _widthBound;
    private readonly TorchSharp.Scalar _floorMin;
    private readonly TorchSharp.Scalar _floorRange;
    private readonly TorchSharp.Scalar _fixedCircleLogScale;

    public SmoothCouplingTransform(int features, int transformed, CouplingFlowOptions options) : base("smooth_transform")
    {
        _options = options;
        _transformed = transformed;
        var k = options.Components;
        _weights = new ConditionerNet("weights", features, transformed * k, options.HiddenWidth, options.HiddenLayers);
        _slopes = new ConditionerNet("slopes", features, transformed * k, options.HiddenWidth, options.HiddenLayers);
        _shapes = new ConditionerNet("shapes", features, 3 * transformed * k, options.HiddenWidth, options.HiddenLayers);
        _minSlope = SmoothStep.MinimumSlope(options.RampPower).ToScalar();
        _widthBound = options.WidthBound.ToScalar();
        _floorMin = options.FloorMin.ToScalar();
        _floorRange = (1 - options.FloorMin).ToScalar();
        // What the public code's circle heads give for any input: sigmoid(0)·B.
        _fixedCircleLogScale = (0.5 * options.WidthBound).ToScalar();
        RegisterComponents();
    }

    /// <summary>The constrained mixture parameters [B, T, K] for conditioning features [B, C].</summary>
    public BumpParameters Parameters(Tensor features)
    {
        var k = _options.Components;
        var logWeights = _weights.forward(features).view(-1, _transformed, k).log_softmax(-1);
        var slopes = (_slopes.forward(features).view(-1, _transformed, k).sigmoid() * Constants.Ten).Plus(_minSlope);
        var shapes = _shapes.forward(features).view(-1, _transformed, 3, k);
        var centres = shapes[.., .., 0].softmax(-1).cumsum(-1);
        var rawWidth = shapes[.., .., 1];
        var logScales = !_options.Circular ? rawWidth.tanh() * _widthBound
            : _options.FixedCircleWidths ? zeros_like(rawWidth).Plus(_fixedCircleLogScale)
            : rawWidth.sigmoid() * _widthBound;
        var floors = (shapes[.., .., 2].sigmoid() * _floorRange).Plus(_floorMin);
        return new BumpParameters(logWeights, slopes, centres, logScales, floors);
    }

    public override (Tensor Y, Tensor LogDerivative) Forward(Tensor x, Tensor features) =>
        BumpMixture.Evaluate(x, Parameters(features), _options.Circular, _options.RampPower);

    public override (Tensor X, Tensor LogDerivative) Inverse(Tensor y, Tensor features) =>
        Invert(y, Parameters(features), _options.Circular, _options.RampPower, _options.Inversion);

    /// <summary>Black-box inverse of the mixture: bisection for the root, then implicit-function gradients.</summary>
    public static (Tensor X, Tensor LogDerivative) Invert(Tensor y, BumpParameters p, bool circular, int k, InversionOptions inversion)
    {
        var solveType = inversion.Float64 ? ScalarType.Float64 : y.dtype;
        var grid = p.Map(t => t.detach().to(solveType)).WithGridAxis();
        var root = MultiBinBisection.Solve(x => BumpMixture.Value(x, grid, circular, k), y.detach().to(solveType), inversion)
            .to(y.dtype);
        return ImplicitInverse.Attach(root, y, x => BumpMixture.Evaluate(x, p, circular, k), inversion.GradientOrder);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _minSlope.Dispose();
            _widthBound.Dispose();
            _floorMin.Dispose();
            _floorRange.Dispose();
            _fixedCircleLogScale.Dispose();
        }
        base.Dispose(disposing);
    }
}
