using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Grains.Hosting;
using Orchestrator.Grains.Telemetry;

namespace Orchestrator.Tests.Telemetry;

/// <summary>
/// The Prometheus series names of the orchestrator's instruments, as the OpenTelemetry Prometheus exporter writes
/// them: dots to underscores, a unit suffix (s → _seconds, {x}/s → _per_second; {x} and 1 add none), _total on
/// counters, _bucket/_sum/_count on histograms. The scrape test checks this mapping against a real /metrics page.
/// </summary>
public static class PrometheusNames
{
    public static IReadOnlySet<string> OfOrchestratorInstruments()
    {
        var instruments = new List<Instrument>();
        using var listener = new MeterListener { InstrumentPublished = (instrument, _) => instruments.Add(instrument) };
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _ = new OrchestratorMetrics(services.GetRequiredService<IMeterFactory>(), new OrchestratorOptions { SiloName = "names" });
        listener.Start(); // publishes the instruments that exist already
        return instruments.Where(i => i.Meter.Name == Protocol.OrchestratorTelemetry.Name)
            .SelectMany(Series).ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<string> Series(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_') + UnitSuffix(instrument.Unit);
        var kind = instrument.GetType().GetGenericTypeDefinition();
        if (kind == typeof(Counter<>) || kind == typeof(ObservableCounter<>))
            return [name + "_total"];
        if (kind == typeof(Histogram<>))
            return [name + "_bucket", name + "_sum", name + "_count"];
        return [name];
    }

    private static string UnitSuffix(string? unit) => unit switch
    {
        "s" => "_seconds",
        { } u when u.EndsWith("}/s", StringComparison.Ordinal) => "_per_second",
        _ => "",
    };
}
