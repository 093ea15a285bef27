using Orchestrator.Training.SmoothFlows;
using static TorchSharp.torch;

namespace Orchestrator.Tests.SmoothFlows;

/// <summary>float64 coupling transforms with random (not zero) conditioner outputs, and inputs for them.</summary>
internal static class TransformFixture
{
    public const int Transformed = 3;
    public const int Features = 2;

    public static CouplingTransform Create(TransformKind kind, bool circular, int rampPower = 1, int seed = 1, InversionOptions? inversion = null)
    {
        manual_seed(seed);
        var options = new CouplingFlowOptions(Dimensions: 2, Circular: circular, Kind: kind, Components: 5, HiddenWidth: 16,
            RampPower: rampPower)
        { Inversion = inversion ?? new InversionOptions(Tolerance: 1e-13) };
        CouplingTransform transform = kind == TransformKind.Smooth
            ? new SmoothCouplingTransform(Features, Transformed, options)
            : new SplineCouplingTransform(Features, Transformed, options);
        transform.to(float64);
        using (no_grad())
        {
            foreach (var p in transform.parameters())
                p.add_(randn_like(p) * 0.3);
        }
        return transform;
    }

    /// <summary>Inputs strictly inside (0, 1) [B, Transformed] and conditioning features [B, Features].</summary>
    public static (Tensor X, Tensor Features) Inputs(int batch, int seed = 2)
    {
        var generator = new Generator((ulong)seed);
        var x = rand([batch, Transformed], dtype: float64, generator: generator) * 0.98 + 0.01;
        var h = randn([batch, Features], dtype: float64, generator: generator);
        return (x, h);
    }
}
