using System.Globalization;
using System.Net;
using Orchestrator.Silo;
using Orchestrator.Tests.Infrastructure;

namespace Orchestrator.Tests.Hosting;

/// <summary>The optional Orleans Dashboard: off by default, on loopback when switched on, and then it serves.</summary>
public sealed class SiloDashboardTests
{
    [Fact]
    public void The_dashboard_is_off_by_default_and_would_listen_on_loopback()
    {
        var dashboard = SiloDashboard.Read([]);

        Assert.False(dashboard.Enabled);
        Assert.Equal("127.0.0.1", dashboard.Host);
        Assert.True(SiloDashboard.Read(["--Orchestrator:Dashboard:Port=8080"]).Enabled);
        var error = Assert.Throws<SiloConfigurationException>(() => SiloDashboard.Read(["--Orchestrator:Dashboard:Port=70000"]));
        Assert.Equal("Orchestrator:Dashboard:Port must be 0 (off) or a port number (got 70000).", error.Message);
    }

    [Fact]
    public async Task A_silo_started_with_a_dashboard_port_serves_the_dashboard_there()
    {
        var store = Directory.CreateTempSubdirectory("orchestrator-test-work-dashboard-").FullName;
        var port = LoopbackPorts.Free();
        try
        {
            await using var silo = SiloProcess.Start("dash", new Dictionary<string, string>
            {
                ["LocalPath"] = store,
                ["CpuSlots"] = "0",
                ["CudaSlots"] = "0",
                ["Telemetry:PrometheusPort"] = "0",
                ["Dashboard:Port"] = port.ToString(CultureInfo.InvariantCulture),
            });
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            HttpResponseMessage? page = null;
            while (page is null && DateTime.UtcNow < deadline && !silo.HasExited)
            {
                try
                {
                    page = await http.GetAsync($"http://127.0.0.1:{port}/");
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(500);
                }
            }

            Assert.True(page is not null, $"no answer on port {port}. Silo output:\n{silo.Output}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Orleans", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
            Assert.Contains($"Orleans Dashboard: http://127.0.0.1:{port}/", silo.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }
}
