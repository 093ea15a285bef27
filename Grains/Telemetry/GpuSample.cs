using System.Globalization;

namespace Orchestrator.Grains.Telemetry;

/// <summary>
/// One GPU's utilisation and memory at one moment, as <c>nvidia-smi --query-gpu</c> reports it. Fractions are 0..1;
/// NaN where the driver reports "[N/A]" or "[Not Supported]".
/// </summary>
public sealed record GpuSample(int Index, string Id, string Name, double Utilization, long MemoryUsedBytes, long MemoryTotalBytes)
{
    /// <summary>The <c>--query-gpu</c> fields <see cref="Parse"/> reads, in order (with <c>--format=csv,noheader,nounits</c>).</summary>
    public const string QueryFields = "index,uuid,name,utilization.gpu,memory.used,memory.total";

    private const long MiB = 1024 * 1024;

    /// <summary>Fraction of the device's memory in use.</summary>
    public double MemoryUtilization => MemoryTotalBytes > 0 ? (double)MemoryUsedBytes / MemoryTotalBytes : double.NaN;

    /// <summary>Parses nvidia-smi's CSV (one line per GPU: percent and MiB); lines it cannot read are skipped.</summary>
    public static IReadOnlyList<GpuSample> Parse(string csv)
    {
        var samples = new List<GpuSample>();
        foreach (var line in csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = line.Split(',', StringSplitOptions.TrimEntries);
            if (f.Length != 6 || !int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                continue;
            samples.Add(new GpuSample(index, f[1], f[2], Number(f[3]) / 100, (long)(Number(f[4]) * MiB), (long)(Number(f[5]) * MiB)));
        }
        return samples;
    }

    private static double Number(string field) =>
        double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN;
}
