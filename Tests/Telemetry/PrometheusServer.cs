using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Tests.Infrastructure;

namespace Orchestrator.Tests.Telemetry;

/// <summary>Debian's real Prometheus server, scraping the given targets every second, with its HTTP query API.</summary>
public sealed class PrometheusServer : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http = new();

    public PrometheusServer(params string[] targets)
    {
        _directory = Directory.CreateTempSubdirectory("orchestrator-prometheus-").FullName;
        Port = LoopbackPorts.Free();
        var config = Path.Combine(_directory, "prometheus.yml");
        File.WriteAllText(config, $$"""
            global: { scrape_interval: 1s }
            scrape_configs:
              - job_name: silos
                static_configs: [ { targets: [{{string.Join(", ", targets.Select(t => $"\"{t}\""))}}] } ]
            """);
        _process = StartTool("prometheus", [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(_directory, "data")}",
            $"--web.listen-address=127.0.0.1:{Port}"]);
        _http.BaseAddress = new Uri($"http://127.0.0.1:{Port}/");
    }

    public int Port { get; }

    /// <summary>The value of an instant query's single result, or null while there is none.</summary>
    public async Task<double?> QueryAsync(string promql)
    {
        try
        {
            using var response = await _http.GetAsync($"api/v1/query?query={Uri.EscapeDataString(promql)}");
            if (!response.IsSuccessStatusCode)
                return null;
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var result = json.RootElement.GetProperty("data").GetProperty("result");
            return result.GetArrayLength() == 1
                ? double.Parse(result[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture)
                : null;
        }
        catch (HttpRequestException)
        {
            return null; // not listening yet
        }
    }

    /// <summary>Starts a Debian tool with captured output; a clear error when the package is missing.</summary>
    public static Process StartTool(string name, IEnumerable<string> arguments)
    {
        try
        {
            var info = new ProcessStartInfo(name, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
            var process = Process.Start(info)!;
            return process;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{name} is not installed (Debian package prometheus; .ci/run installs it): {e.Message}", e);
        }
    }


    public void Dispose()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
        _http.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
