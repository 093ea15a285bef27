namespace Orchestrator.Grains.Telemetry;

/// <summary>
/// The parts of <see cref="MetricNames.SweepTurnDuration"/>: a lease turn and a report turn of a sweep grain (each whole;
/// a lease turn does not wait for its appends, a report turn does), and the sweep's appends (a group's states, then its
/// ledger lines; SweepAppender), which overlap the turns. What a dispatched trial costs beyond the turns is messaging.
/// </summary>
public static class SweepTurnParts
{
    public const string Lease = "lease";
    public const string Report = "report";
    public const string StateAppend = "state-append";
    public const string LedgerAppend = "ledger-append";
}
