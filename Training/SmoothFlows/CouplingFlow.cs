using Orchestrator.Training.Numerics;
using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows;

/// <summary>
/// A coupling flow on [0, 1]^D or the torus with a uniform base: couplings alternately transform the first and
/// the second half of the coordinates. Which direction is analytic is <see cref="FlowOrientation"/>; the other
/// goes through the layers' inverses (bisection for smooth transforms).
/// </summary>
public sealed class CouplingFlow : nn.Module
{
    private readonly TorchSharp.Modules.ModuleList<CouplingLayer> _layers;

    public CouplingFlow(CouplingFlowOptions options) : base("coupling_flow")
    {
        options.Validate();
        Options = options;
        var half = options.Dimensions / 2;
        var first = Enumerable.Range(0, half).ToArray();
        var second = Enumerable.Range(half, options.Dimensions - half).ToArray();
        var layers = Enumerable.Range(0, options.Couplings)
            .Select(i => new CouplingLayer(i % 2 == 0 ? first : second, options.Dimensions, options)).ToArray();
        _layers = nn.ModuleList(layers);
        RegisterComponents();
    }

    public CouplingFlowOptions Options { get; }

    /// <summary>z = T(x) and log q(x) (the uniform base has log density 0).</summary>
    public (Tensor Z, Tensor LogProb) ToLatent(Tensor x) => Options.Orientation == FlowOrientation.Density
        ? Chain(x, inverse: false)
        : Chain(x, inverse: true);

    /// <summary>x = T⁻¹(z) and log q(x).</summary>
    public (Tensor X, Tensor LogProb) ToData(Tensor z)
    {
        var (x, logDet) = Options.Orientation == FlowOrientation.Density ? Chain(z, inverse: true) : Chain(z, inverse: false);
        return (x, -logDet);
    }

    /// <summary>log q(x) [B].</summary>
    public Tensor LogProb(Tensor x) => ToLatent(x).LogProb;

    /// <summary>n samples and their log q.</summary>
    public (Tensor X, Tensor LogProb) Sample(long n, Generator? generator = null)
    {
        var p = parameters().First();
        var z = rand([n, Options.Dimensions], dtype: p.dtype, device: p.device, generator: generator);
        return ToData(z);
    }

    private (Tensor Y, Tensor LogDet) Chain(Tensor input, bool inverse)
    {
        var value = input;
        Tensor? logDet = null;
        var order = inverse ? Enumerable.Range(0, _layers.Count).Reverse() : Enumerable.Range(0, _layers.Count);
        foreach (var i in order)
        {
            var (next, layerLogDet) = inverse ? _layers[i].Inverse(value) : _layers[i].Forward(value);
            value = next;
            logDet = logDet is null ? layerLogDet : logDet.Plus(layerLogDet);
        }
        return (value, logDet!);
    }
}
