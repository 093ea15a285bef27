using System.Globalization;

namespace Orchestrator.Grains.Sweeps;

/// <summary>
/// Where one trial-state record lies in the sweep's state log: segment, byte offset, length. A ledger line names the
/// record its transition wrote, so a trial's latest state is one ranged read, never a scan. Written "segment:offset:length".
/// </summary>
public readonly record struct StateRef(int Segment, long Offset, int Length)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Segment}:{Offset}:{Length}");

    /// <summary>Reads "segment:offset:length"; false for anything else (a number of an older ledger format).</summary>
    public static bool TryParse(string text, out StateRef state)
    {
        state = default;
        var parts = text.Split(':');
        if (parts.Length != 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var segment)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return false;
        }
        state = new StateRef(segment, offset, length);
        return true;
    }
}
