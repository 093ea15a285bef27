using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Orchestrator.Grains.Telemetry;
using Orchestrator.Protocol;
using System.Diagnostics.Metrics;

namespace Orchestrator.Tests.Telemetry;

/// <summary>GPU utilisation and memory as hw.gpu.* instruments, from nvidia-smi's CSV (no GPU here: canned samples).</summary>
public sealed class GpuMetricsTests
{
    private const string H200s = """
        0, GPU-6a1b, NVIDIA H200, 37, 1024, 143771
        1, GPU-7c2d, NVIDIA H200, [N/A], 0, 143771
        """;

    [Fact]
    public void Nvidia_smi_csv_maps_to_fractions_and_bytes()
    {
        var samples = GpuSample.Parse(H200s + "\nnot a gpu line\n");

        Assert.Equal(2, samples.Count);
        Assert.Equal(new GpuSample(0, "GPU-6a1b", "NVIDIA H200", 0.37, 1024L << 20, 143771L << 20), samples[0]);
        Assert.Equal(1024.0 / 143771, samples[0].MemoryUtilization, 12);
        Assert.True(double.IsNaN(samples[1].Utilization));
        Assert.Equal(0, samples[1].MemoryUsedBytes);
    }

    [Fact]
    public async Task Each_gpu_is_one_point_per_instrument_tagged_with_its_id_and_unreported_values_are_left_out()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var exported = new List<Metric>();
        using var provider = Sdk.CreateMeterProviderBuilder().AddMeter(OrchestratorTelemetry.Name).AddInMemoryExporter(exported).Build();
        using var gpu = new GpuMetrics(services.GetRequiredService<IMeterFactory>(), _ => Task.FromResult(GpuSample.Parse(H200s)));

        await gpu.SampleAsync(CancellationToken.None);
        provider.ForceFlush();

        Assert.Equal([(0.37, "GPU-6a1b")], Points(exported, GpuMetrics.Utilization, p => p.GetGaugeLastValueDouble()));
        Assert.Equal([(1024.0 / 143771, "GPU-6a1b"), (0.0, "GPU-7c2d")], Points(exported, GpuMetrics.MemoryUtilization, p => p.GetGaugeLastValueDouble()));
        Assert.Equal([(1024L << 20, "GPU-6a1b"), (0L, "GPU-7c2d")], Points(exported, GpuMetrics.MemoryUsage, p => p.GetSumLong()));
        Assert.Equal([(143771L << 20, "GPU-6a1b"), (143771L << 20, "GPU-7c2d")], Points(exported, GpuMetrics.MemoryLimit, p => p.GetSumLong()));
        var tags = Tags(exported.Last(m => m.Name == GpuMetrics.Utilization));
        Assert.Equal(("NVIDIA H200", "gpu"), ((string)tags["hw.name"]!, (string)tags["hw.type"]!));
    }

    [Fact]
    public async Task The_probe_reports_every_gpu_nvidia_smi_sees_and_nothing_without_one()
    {
        var samples = await GpuMetrics.NvidiaSmiAsync(CancellationToken.None);

        // No GPU on CI: nvidia-smi is missing and the probe says so with no samples, not an error.
        Assert.All(samples, s => Assert.True(s.MemoryTotalBytes > 0 && s.Id.StartsWith("GPU-", StringComparison.Ordinal)));
        if (!File.Exists("/usr/bin/nvidia-smi"))
            Assert.Empty(samples);
    }

    private static List<(T Value, string Id)> Points<T>(List<Metric> metrics, string name, Func<MetricPoint, T> read)
    {
        var points = new List<(T, string)>();
        foreach (ref readonly var point in metrics.Last(m => m.Name == name).GetMetricPoints())
        {
            var id = "";
            foreach (var tag in point.Tags)
                if (tag.Key == "hw.id")
                    id = (string)tag.Value!;
            points.Add((read(point), id));
        }
        return [.. points.OrderBy(p => p.Item2, StringComparer.Ordinal)];
    }

    private static Dictionary<string, object?> Tags(Metric metric)
    {
        var tags = new Dictionary<string, object?>();
        foreach (ref readonly var point in metric.GetMetricPoints())
            foreach (var tag in point.Tags)
                tags[tag.Key] = tag.Value;
        return tags;
    }
}
