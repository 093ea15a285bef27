using System.Diagnostics;
using Orchestrator.Grains.Workers;

namespace Orchestrator.Silo;

/// <summary>
/// Counts CUDA devices in a child process (<c>Orchestrator.TrialHost cuda-probe</c>): loading libtorch can abort
/// natively, and the silo process is what crash isolation protects.
/// </summary>
public static class CudaProbe
{
    /// <summary>The trial host's probe command (TrialHost/CudaProbe.cs).</summary>
    public const string Command = "cuda-probe";

    /// <summary>Runs the probe; 0 devices when it fails or takes longer than a minute.</summary>
    public static async Task<int> DeviceCountAsync()
    {
        var launch = TrialProcessOptions.Default();
        var info = new ProcessStartInfo(launch.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in launch.Arguments)
            info.ArgumentList.Add(argument);
        info.ArgumentList.Add(Command);
        using var process = Process.Start(info);
        if (process is null)
            return 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode == 0 && int.TryParse(output.Trim(), out var count) ? count : 0;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return 0;
        }
    }
}
