using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Orchestrator.Protocol;

namespace Orchestrator.Grains.Telemetry;

/// <summary>
/// GPU utilisation and memory of this machine, named after OpenTelemetry's <c>hw.gpu.*</c> conventions
/// (<c>hw.gpu.utilization</c>, <c>hw.gpu.memory.utilization</c>, <c>hw.gpu.memory.usage</c>, <c>hw.gpu.memory.limit</c>;
/// attributes <c>hw.id</c> = the GPU's UUID, <c>hw.name</c>, <c>hw.type</c> = gpu). Sampled every
/// <see cref="Interval"/> by running <c>nvidia-smi</c> (a probe process: libtorch never loads in the silo); registered
/// only on silos with CUDA slots. Without nvidia-smi the gauges report nothing.
/// </summary>
public sealed class GpuMetrics : BackgroundService
{
    public const string Utilization = "hw.gpu.utilization";
    public const string MemoryUtilization = "hw.gpu.memory.utilization";
    public const string MemoryUsage = "hw.gpu.memory.usage";
    public const string MemoryLimit = "hw.gpu.memory.limit";

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly Func<CancellationToken, Task<IReadOnlyList<GpuSample>>> _probe;
    private volatile IReadOnlyList<GpuSample> _latest = [];

    public GpuMetrics(IMeterFactory factory) : this(factory, NvidiaSmiAsync)
    {
    }

    /// <param name="probe">Where samples come from (tests pass canned ones).</param>
    public GpuMetrics(IMeterFactory factory, Func<CancellationToken, Task<IReadOnlyList<GpuSample>>> probe)
    {
        _probe = probe;
        var meter = factory.Create(OrchestratorTelemetry.Name);
        meter.CreateObservableGauge(Utilization, () => Observe(s => s.Utilization), "1", "Fraction of time the GPU was busy");
        meter.CreateObservableGauge(MemoryUtilization, () => Observe(s => s.MemoryUtilization), "1", "Fraction of the GPU's memory in use");
        meter.CreateObservableUpDownCounter(MemoryUsage, () => Observe(s => s.MemoryUsedBytes), "By", "GPU memory in use");
        meter.CreateObservableUpDownCounter(MemoryLimit, () => Observe(s => s.MemoryTotalBytes), "By", "GPU memory size");
    }

    /// <summary>Takes one sample now (the service does it every <see cref="Interval"/>).</summary>
    public async Task SampleAsync(CancellationToken cancellation) => _latest = await _probe(cancellation);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await SampleAsync(stoppingToken);
                await Task.Delay(Interval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // the silo stops
        }
    }

    private IEnumerable<Measurement<T>> Observe<T>(Func<GpuSample, T> value) where T : struct =>
        _latest.Where(s => value(s) is not double d || double.IsFinite(d)).Select(s => new Measurement<T>(value(s),
            new KeyValuePair<string, object?>("hw.id", s.Id), new KeyValuePair<string, object?>("hw.name", s.Name),
            new KeyValuePair<string, object?>("hw.type", "gpu")));

    /// <summary>nvidia-smi's answer, or no samples when it is missing, fails or takes longer than 10 s.</summary>
    public static async Task<IReadOnlyList<GpuSample>> NvidiaSmiAsync(CancellationToken cancellation)
    {
        var info = new ProcessStartInfo("nvidia-smi") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add($"--query-gpu={GpuSample.QueryFields}");
        info.ArgumentList.Add("--format=csv,noheader,nounits");
        try
        {
            using var process = Process.Start(info);
            if (process is null)
                return [];
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
                await process.WaitForExitAsync(timeout.Token);
                return process.ExitCode == 0 ? GpuSample.Parse(output) : [];
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return [];
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return []; // no nvidia-smi on this machine: no CUDA to report
        }
    }
}
