namespace Orchestrator.Grains.Telemetry;

/// <summary>
/// The parts of <see cref="MetricNames.SweepTurnDuration"/>: a lease turn and a report turn of a sweep grain (each whole,
/// appends included), and the two appends they await (the batch's states, then its ledger lines). What a turn spends
/// beside its appends is the grain's own work; what a dispatched trial costs beyond its turns is messaging.
/// </summary>
public static class SweepTurnParts
{
    public const string Lease = "lease";
    public const string Report = "report";
    public const string StateAppend = "state-append";
    public const string LedgerAppend = "ledger-append";
}
