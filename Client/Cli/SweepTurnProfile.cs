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
    private readonly Dictionary<string, (double Seconds, int Count)> _parts = new(StringComparer.Ordinal);
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
                    {
                        var (sum, count) = _parts.GetValueOrDefault(part);
                        _parts[part] = (sum + seconds, count + 1);
                    }
                }
            }
        });
        _listener.Start();
    }

    public void Reset()
    {
        lock (_gate)
            _parts.Clear();
    }

    /// <summary>
    /// Per dispatched trial, in microseconds: the sweep grain's lease and report turns (a lease turn does not wait for its
    /// appends; a report turn waits for its own and any queued before), the state-log and ledger appends with how many
    /// trials each carried (group commit), and what is left of the wall time per trial outside the turns (grain calls,
    /// the scheduler grain's hop, the workers).
    /// </summary>
    public string Describe(int trials, TimeSpan wall)
    {
        Dictionary<string, (double Seconds, int Count)> parts;
        lock (_gate)
            parts = new Dictionary<string, (double Seconds, int Count)>(_parts, StringComparer.Ordinal);
        double Micros(string part) => parts.GetValueOrDefault(part).Seconds * 1e6 / Math.Max(1, trials);
        double PerAppend(string part) => (double)trials / Math.Max(1, parts.GetValueOrDefault(part).Count);
        var turns = Micros(SweepTurnParts.Lease) + Micros(SweepTurnParts.Report);
        var perTrial = wall.TotalMicroseconds / Math.Max(1, trials);
        return $"per trial {perTrial:F0} µs of wall time: sweep grain turns {turns:F0} µs (lease {Micros(SweepTurnParts.Lease):F0}, report {Micros(SweepTurnParts.Report):F0}, "
            + $"{100 * turns / Math.Max(1e-9, perTrial):F0} % of the wall time); appends {Micros(SweepTurnParts.StateAppend) + Micros(SweepTurnParts.LedgerAppend):F0} µs "
            + $"(states {Micros(SweepTurnParts.StateAppend):F0} µs, {PerAppend(SweepTurnParts.StateAppend):F0} trials per append; ledger {Micros(SweepTurnParts.LedgerAppend):F0} µs, "
            + $"{PerAppend(SweepTurnParts.LedgerAppend):F0} trials per append), overlapping the turns; outside the turns {perTrial - turns:F0} µs (grain calls, scheduler hop, workers)";
    }

    public void Dispose() => _listener.Dispose();
}
