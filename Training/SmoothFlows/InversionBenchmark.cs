using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows;

/// <summary>Timing of one coupling layer's inverse (no gradients): smooth bisection against the spline's analytic root.</summary>
public sealed record InversionTiming(int Dimensions, int Bins, int Components, int Batch, double SmoothMilliseconds, double SplineMilliseconds, double RoundTripError)
{
    public double Slowdown => SmoothMilliseconds / SplineMilliseconds;
}

/// <summary>
/// The inversion-cost benchmark of spec §2 (slides: 2.1× at D = 2 with 128 bins, 2.7× at D = 32 with 32 bins,
/// 6.5× at D = 512 with 4–8 bins): a smooth and a spline coupling layer with the same conditioner size and K,
/// random (not identity) parameters, float32 inputs; the smooth one solves in float64 to 1e-6.
/// Times are process CPU time per call (the best of <c>windows</c> windows of at least 0.3 s CPU each, after a
/// warm-up): on a shared machine wall-clock time mostly measures the other processes.
/// </summary>
public static class InversionBenchmark
{
    public static IReadOnlyList<InversionTiming> Run(IReadOnlyList<int> dimensions, IReadOnlyList<int> bins, int components = 8, int batch = 100,
        int windows = 3, int seed = 1, Action<InversionTiming>? onRow = null)
    {
        var rows = new List<InversionTiming>();
        foreach (var dim in dimensions)
        {
            using var spline = Layer(dim, TransformKind.Spline, components, new InversionOptions(), seed);
            var y = Inputs(dim, batch, seed);
            var splineMs = CpuMillisecondsPerCall(() => spline.Inverse(y).Y, windows);
            foreach (var n in bins)
            {
                using var smooth = Layer(dim, TransformKind.Smooth, components, new InversionOptions(Bins: n), seed);
                var smoothMs = CpuMillisecondsPerCall(() => smooth.Inverse(y).Y, windows);
                double error;
                using (no_grad())
                {
                    var (x, _) = smooth.Inverse(y);
                    error = (smooth.Forward(x).Y - y).abs().max().ToDouble();
                }
                var row = new InversionTiming(dim, n, components, batch, smoothMs, splineMs, error);
                rows.Add(row);
                onRow?.Invoke(row);
            }
            y.Dispose();
        }
        return rows;
    }

    private static CouplingLayer Layer(int dim, TransformKind kind, int components, InversionOptions inversion, int seed)
    {
        manual_seed(seed);
        var options = new CouplingFlowOptions(dim, Circular: false, Kind: kind, Components: components) { Inversion = inversion };
        var half = dim / 2;
        var layer = new CouplingLayer(Enumerable.Range(0, half).ToArray(), dim, options);
        using (no_grad())
        {
            using var spread = 0.1.ToScalar();
            foreach (var p in layer.parameters())
                p.add_(randn_like(p) * spread);
        }
        layer.eval();
        return layer;
    }

    private static Tensor Inputs(int dim, int batch, int seed)
    {
        using var margin = 0.98.ToScalar();
        using var offset = 0.01.ToScalar();
        return (rand([batch, dim], generator: new Generator((ulong)seed)) * margin + offset).DetachFromDisposeScope();
    }

    private static double CpuMillisecondsPerCall(Func<Tensor> inverse, int windows)
    {
        using var _ = no_grad();
        inverse().Dispose();
        var process = Process.GetCurrentProcess();
        var best = double.PositiveInfinity;
        for (var window = 0; window < windows; window++)
        {
            process.Refresh();
            var start = process.TotalProcessorTime;
            var calls = 0;
            TimeSpan elapsed;
            do
            {
                using var scope = NewDisposeScope();
                inverse();
                calls++;
                process.Refresh();
                elapsed = process.TotalProcessorTime - start;
            }
            while (elapsed.TotalSeconds < 0.3);
            best = Math.Min(best, elapsed.TotalMilliseconds / calls);
        }
        return best;
    }
}
