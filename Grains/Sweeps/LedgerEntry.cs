using System.Globalization;
using Orchestrator.Contracts.Trials;

namespace Orchestrator.Grains.Sweeps;

/// <summary>
/// One transition of one trial, as the sweep records it in its ledger (one short CSV line, appended, never rewritten):
/// started, training done (evaluation shards follow), completed with its objective value, failed, cancelled, stopped
/// early, or reset to pending by a resume. The ledger is the sweep's whole persistent memory of its trials; a line
/// that wrote the trial's state names its record in the state log (<see cref="StateRef"/>).
/// </summary>
public readonly record struct LedgerEntry(long Index, string ConfigHash, string GroupHash, TrialStatus Status, int Attempt,
    double Objective = double.NaN, StateRef? State = null)
{
    /// <summary>"index,config,group,status,attempt,objective[,segment:offset:length]" with a round-trip number (empty when not finite).</summary>
    public string ToLine()
    {
        var line = string.Join(',',
            Index.ToString(CultureInfo.InvariantCulture), ConfigHash, GroupHash, ((int)Status).ToString(CultureInfo.InvariantCulture),
            Attempt.ToString(CultureInfo.InvariantCulture), Number(Objective));
        return State is { } state ? $"{line},{state}" : line;
    }

    /// <summary>Reads a line; lines of the first ledger format ("…,c2st,nll") take C2ST, else the NLL, as the objective.</summary>
    public static LedgerEntry Parse(string line)
    {
        var f = line.Split(',');
        if (f.Length is not (6 or 7))
            throw new FormatException($"Not a ledger line: '{line}'.");
        var objective = Value(f[5]);
        StateRef? state = null;
        if (f.Length == 7 && StateRef.TryParse(f[6], out var stored))
            state = stored;
        else if (f.Length == 7 && !double.IsFinite(objective))
            objective = Value(f[6]);
        return new LedgerEntry(long.Parse(f[0], CultureInfo.InvariantCulture), f[1], f[2],
            (TrialStatus)int.Parse(f[3], CultureInfo.InvariantCulture), int.Parse(f[4], CultureInfo.InvariantCulture), objective, state);
    }

    private static double Value(string text) => text.Length == 0 ? double.NaN : double.Parse(text, CultureInfo.InvariantCulture);

    private static string Number(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";
}
