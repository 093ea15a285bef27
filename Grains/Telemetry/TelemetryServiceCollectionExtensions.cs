using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orchestrator.Protocol;

namespace Orchestrator.Grains.Telemetry;

/// <summary>
/// Wires OpenTelemetry for a silo or a client: the orchestrator's source and meter, Orleans' sources and meter, .NET
/// runtime and process metrics, and the exporters <see cref="TelemetryOptions"/> asks for (OTLP traces, metrics and
/// logs; console; a Prometheus scrape endpoint). With no exporter configured nothing is registered.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    public static IServiceCollection AddOrchestratorTelemetry(this IServiceCollection services, TelemetryOptions options,
        string serviceName, string? instance = null)
    {
        // Trace and span ids on every log record, whichever logger provider writes it.
        services.Configure<LoggerFactoryOptions>(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        if (!options.Enabled)
            return services;
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") ?? serviceName,
                serviceInstanceId: instance ?? Environment.MachineName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(OrchestratorTelemetry.Name).AddSource(OrchestratorTelemetry.OrleansSources);
                if (options.Otlp)
                    tracing.AddOtlpExporter(o => Otlp(o, options, "traces"));
                if (options.Console)
                    tracing.AddConsoleExporter();
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(OrchestratorTelemetry.Name, OrchestratorTelemetry.OrleansMeter)
                    .AddRuntimeInstrumentation()
                    .AddProcessInstrumentation();
                if (options.Otlp)
                {
                    metrics.AddOtlpExporter((o, reader) =>
                    {
                        Otlp(o, options, "metrics");
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)options.MetricInterval.TotalMilliseconds;
                    });
                }
                if (options.PrometheusPort > 0)
                    metrics.AddPrometheusHttpListener(o => (o.Host, o.Port) = (options.PrometheusHost, options.PrometheusPort));
                if (options.Console)
                    metrics.AddConsoleExporter();
            });
        if (options.Otlp)
            telemetry.WithLogging(l => l.AddOtlpExporter(o => Otlp(o, options, "logs")), o => o.IncludeScopes = true);
        return services;
    }

    /// <summary>
    /// The endpoint of one signal: with http/protobuf the path is /v1/{signal} under the configured base, as the
    /// OTEL_EXPORTER_OTLP_ENDPOINT variable means it; gRPC takes the base as is.
    /// </summary>
    public static void Otlp(OtlpExporterOptions o, TelemetryOptions options, string signal)
    {
        var http = options.OtlpProtocol.Equals("http/protobuf", StringComparison.OrdinalIgnoreCase);
        o.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        var endpoint = options.OtlpEndpoint!.TrimEnd('/');
        o.Endpoint = new Uri(http ? $"{endpoint}/v1/{signal}" : endpoint);
    }
}
