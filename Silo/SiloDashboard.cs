using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Orleans.Dashboard;

namespace Orchestrator.Silo;

/// <summary>
/// The optional Orleans Dashboard (section "Orchestrator:Dashboard"): off unless <see cref="Port"/> is set, and then on
/// loopback unless <see cref="Host"/> says otherwise — it has no authentication, and a gateway-like surface should not
/// face a network by accident.
/// </summary>
public sealed class SiloDashboard
{
    public const string Section = "Orchestrator:Dashboard";

    /// <summary>Port of the dashboard's web page (http://Host:Port/); 0 = off.</summary>
    public int Port { get; set; }

    /// <summary>Address it listens on.</summary>
    public string Host { get; set; } = "127.0.0.1";

    public bool Enabled => Port > 0;

    /// <summary>
    /// The section as the host will see it (appsettings.json beside the program, environment, command line): read before
    /// the host is built, because the dashboard decides which kind of host that is.
    /// </summary>
    public static SiloDashboard Read(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
        var dashboard = new SiloDashboard();
        configuration.GetSection(Section).Bind(dashboard);
        if (dashboard.Port is < 0 or > 65535)
            throw new SiloConfigurationException($"{Section}:Port must be 0 (off) or a port number (got {dashboard.Port}).");
        if (dashboard.Enabled && !IPAddress.TryParse(dashboard.Host, out _))
            throw new SiloConfigurationException($"{Section}:Host must be an IP address (got '{dashboard.Host}').");
        return dashboard;
    }

    /// <summary>A web host for the silo whose only endpoint is the dashboard, on Host:Port.</summary>
    public WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Parse(Host), Port));
        return builder;
    }

    /// <summary>Builds the web host and maps the dashboard at its root.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.MapOrleansDashboard();
        return app;
    }
}
