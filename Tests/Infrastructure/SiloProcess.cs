using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Tests.Infrastructure;

/// <summary>
/// A real silo in its own process (<c>dotnet Orchestrator.Silo.dll</c> from the test output) on loopback ports, for
/// failure detection that in-process test clusters cannot show (their silos announce their death). Its output lines
/// are kept with their arrival time; <see cref="KillHard"/> is <c>kill -9</c>.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<(DateTime At, string Line)> _lines = [];

    private SiloProcess(string name, int siloPort, int gatewayPort, Process process)
    {
        Name = name;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        _process = process;
    }

    public string Name { get; }
    public int SiloPort { get; }
    public int GatewayPort { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts a silo; <paramref name="settings"/> are Orchestrator:X settings (SiloName, ports and slots are set here).</summary>
    public static SiloProcess Start(string name, IReadOnlyDictionary<string, string> settings, int? siloPort = null, int? gatewayPort = null)
    {
        var silo = siloPort ?? FreePort();
        var gateway = gatewayPort ?? FreePort();
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Orchestrator.Silo.dll"));
        var all = new Dictionary<string, string>(settings)
        {
            ["SiloName"] = name,
            ["SiloPort"] = silo.ToString(CultureInfo.InvariantCulture),
            ["GatewayPort"] = gateway.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in all)
            info.ArgumentList.Add($"--Orchestrator:{key}={value}");
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Orchestrator"] = "Information";
        info.Environment["Logging__LogLevel__Orleans.Runtime.MembershipService"] = "Information";
        var process = new Process { StartInfo = info };
        var result = new SiloProcess(name, silo, gateway, process);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Waits until the silo's workers run (it is a member of the cluster then).</summary>
    public Task WaitUntilReadyAsync(TimeSpan timeout) => WaitForLineAsync(l => l.Contains("Worker slots started", StringComparison.Ordinal), timeout);

    /// <summary>The arrival time of the first output line so far that matches, or null.</summary>
    public DateTime? FirstLine(Func<string, bool> match)
    {
        lock (_lines)
        {
            foreach (var (at, line) in _lines)
                if (match(line))
                    return at;
        }
        return null;
    }

    /// <summary>The arrival time of the first output line that matches, waiting up to <paramref name="timeout"/>.</summary>
    public async Task<DateTime> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (FirstLine(match) is { } at)
                return at;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"silo {Name}: no matching output within {timeout}. Output:\n{Output}");
            if (_process.HasExited)
                throw new InvalidOperationException($"silo {Name} exited with {_process.ExitCode}. Output:\n{Output}");
            await Task.Delay(100);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public string Output
    {
        get
        {
            lock (_lines)
                return string.Join('\n', _lines.Select(l => l.Line));
        }
    }

    /// <summary>kill -9: no shutdown, no goodbye to the cluster.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: false);

    /// <summary>kill -TERM (what systemd, Kubernetes and Ctrl+C's relatives send): the silo shuts down gracefully.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed with exit code {kill.ExitCode}.");
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_lines)
            _lines.Add((DateTime.UtcNow, line));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
