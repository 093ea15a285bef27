using System.Globalization;
using Orchestrator.Contracts.Trials;

namespace Orchestrator.Grains.Sweeps;

/// <summary>
/// One transition of one trial, as the sweep records it in its ledger (one short CSV line, appended, never rewritten):
/// started, training done (evaluation shards follow), completed with its scores, failed, cancelled, or reset to
/// pending by a resume. The ledger is the sweep's whole persistent memory of its trials.
/// </summary>
public readonly record struct LedgerEntry(long Index, string ConfigHash, string GroupHash, TrialStatus Status, int Attempt,
    double C2st = double.NaN, double ValidationNll = double.NaN)
{
    /// <summary>"index,config,group,status,attempt,c2st,nll" with round-trip numbers (empty when not finite).</summary>
    public string ToLine() => string.Join(',',
        Index.ToString(CultureInfo.InvariantCulture), ConfigHash, GroupHash, ((int)Status).ToString(CultureInfo.InvariantCulture),
        Attempt.ToString(CultureInfo.InvariantCulture), Number(C2st), Number(ValidationNll));

    public static LedgerEntry Parse(string line)
    {
        var f = line.Split(',');
        if (f.Length != 7)
            throw new FormatException($"Not a ledger line: '{line}'.");
        return new LedgerEntry(long.Parse(f[0], CultureInfo.InvariantCulture), f[1], f[2],
            (TrialStatus)int.Parse(f[3], CultureInfo.InvariantCulture), int.Parse(f[4], CultureInfo.InvariantCulture),
            f[5].Length == 0 ? double.NaN : double.Parse(f[5], CultureInfo.InvariantCulture),
            f[6].Length == 0 ? double.NaN : double.Parse(f[6], CultureInfo.InvariantCulture));
    }

    private static string Number(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";
}
