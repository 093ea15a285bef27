using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows;

/// <summary>
/// One coupling: transforms the coordinates <c>transformed</c> elementwise, conditioned on the others.
/// Circular conditioning coordinates enter the conditioner as [cos 2πx, sin 2πx] (continuous across 0 ≡ 1),
/// interval ones as 2x − 1.
/// </summary>
public sealed class CouplingLayer : nn.Module
{
    private readonly CouplingTransform _transform;
    private readonly Tensor _transformed;
    private readonly Tensor _conditioning;
    private readonly Tensor _restoreOrder;
    private readonly bool _circular;

    public CouplingLayer(int[] transformed, int dimensions, CouplingFlowOptions options) : base("coupling")
    {
        var conditioning = Enumerable.Range(0, dimensions).Except(transformed).ToArray();
        _transformed = tensor(transformed.Select(i => (long)i).ToArray());
        _conditioning = tensor(conditioning.Select(i => (long)i).ToArray());
        _restoreOrder = tensor(transformed.Concat(conditioning).Select((dim, position) => (dim, position))
            .OrderBy(p => p.dim).Select(p => (long)p.position).ToArray());
        _circular = options.Circular;
        var features = conditioning.Length * (_circular ? 2 : 1);
        _transform = options.Kind == TransformKind.Smooth
            ? new SmoothCouplingTransform(features, transformed.Length, options)
            : new SplineCouplingTransform(features, transformed.Length, options);
        RegisterComponents();
    }

    /// <summary>The analytic direction; returns the output and log |det| per sample [B].</summary>
    public (Tensor Y, Tensor LogDet) Forward(Tensor x) => Apply(x, inverse: false);

    /// <summary>The inverse direction; returns the output and log |det| of the inverse per sample [B].</summary>
    public (Tensor Y, Tensor LogDet) Inverse(Tensor y) => Apply(y, inverse: true);

    private (Tensor Y, Tensor LogDet) Apply(Tensor input, bool inverse)
    {
        var moving = input.index_select(1, _transformed.to(input.device));
        var fixedPart = input.index_select(1, _conditioning.to(input.device));
        var features = Featurise(fixedPart);
        var (moved, logDerivative) = inverse ? _transform.Inverse(moving, features) : _transform.Forward(moving, features);
        var output = cat([moved, fixedPart], 1).index_select(1, _restoreOrder.to(input.device));
        return (output, logDerivative.sum(1));
    }

    private Tensor Featurise(Tensor x)
    {
        if (!_circular)
            return x * Constants.Two - Constants.One;
        var angle = x * Constants.TwoPi;
        return cat([angle.cos(), angle.sin()], 1);
    }
}
