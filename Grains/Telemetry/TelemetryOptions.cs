namespace Orchestrator.Grains.Telemetry;

/// <summary>
/// Where telemetry goes (section "Orchestrator:Telemetry"). Unset values fall back to the standard OpenTelemetry
/// variables: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c>.
/// Nothing is collected that no exporter asked for.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Orchestrator:Telemetry";

    /// <summary>OTLP collector endpoint (e.g. http://127.0.0.1:4318); traces, metrics and logs go there when set.</summary>
    public string? OtlpEndpoint { get; set; } = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");

    /// <summary><c>grpc</c> (port 4317) or <c>http/protobuf</c> (port 4318).</summary>
    public string OtlpProtocol { get; set; } = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL") ?? "http/protobuf";

    /// <summary>Also print spans and metrics to the console (debugging).</summary>
    public bool Console { get; set; }

    /// <summary>Port of the Prometheus scrape endpoint (<c>/metrics</c>); 0 = off.</summary>
    public int PrometheusPort { get; set; }

    /// <summary>Address the scrape endpoint listens on; loopback unless a scraper on another machine needs it.</summary>
    public string PrometheusHost { get; set; } = "127.0.0.1";

    /// <summary>Export interval of OTLP metrics.</summary>
    public TimeSpan MetricInterval { get; set; } = TimeSpan.FromSeconds(10);

    public bool Otlp => !string.IsNullOrWhiteSpace(OtlpEndpoint);

    /// <summary>True when any exporter is configured (otherwise no tracing or metric collection is set up at all).</summary>
    public bool Enabled => Otlp || Console || PrometheusPort > 0;
}
