using System.Diagnostics.Metrics;
using Orchestrator.Grains.Telemetry;
using Orchestrator.Protocol;

namespace Orchestrator.Client.Cli;

/// <summary>
/// Where a sweep grain's dispatch time goes, for <c>bench scheduler</c> (silo in this process): sums the
/// <see cref="MetricNames.SweepTurnDuration"/> measurements (Stopwatch-timed lease and report turns and the appends they
/// await) since the last <see cref="Reset"/>.
/// </summary>
public sealed class SweepTurnProfile : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, double> _seconds = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public SweepTurnProfile()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == OrchestratorTelemetry.Name && instrument.Name == MetricNames.SweepTurnDuration)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "part" && tag.Value is string part)
                {
                    lock (_gate)
                        _seconds[part] = _seconds.GetValueOrDefault(part) + seconds;
                }
            }
        });
        _listener.Start();
    }

    public void Reset()
    {
        lock (_gate)
            _seconds.Clear();
    }

    /// <summary>
    /// Per dispatched trial, in microseconds: the sweep grain's lease and report turns, the state-log and ledger appends
    /// inside them, the grain's own work beside those, and what is left of the wall time per trial (messaging, the
    /// scheduler grain's hop, the workers).
    /// </summary>
    public string Describe(int trials, TimeSpan wall)
    {
        Dictionary<string, double> seconds;
        lock (_gate)
            seconds = new Dictionary<string, double>(_seconds, StringComparer.Ordinal);
        double Micros(string part) => seconds.GetValueOrDefault(part) * 1e6 / Math.Max(1, trials);
        var turns = Micros(SweepTurnParts.Lease) + Micros(SweepTurnParts.Report);
        var appends = Micros(SweepTurnParts.StateAppend) + Micros(SweepTurnParts.LedgerAppend);
        var perTrial = wall.TotalMicroseconds / Math.Max(1, trials);
        return $"per trial {perTrial:F0} µs of wall time: sweep grain turns {turns:F0} µs (lease {Micros(SweepTurnParts.Lease):F0}, report {Micros(SweepTurnParts.Report):F0}) "
            + $"= appends awaited {appends:F0} µs (states {Micros(SweepTurnParts.StateAppend):F0}, ledger {Micros(SweepTurnParts.LedgerAppend):F0}) + grain work {turns - appends:F0} µs; "
            + $"outside the sweep grain's turns {perTrial - turns:F0} µs (grain calls, scheduler hop, workers)";
    }

    public void Dispose() => _listener.Dispose();
}
