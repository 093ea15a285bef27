using System.Globalization;

namespace Orchestrator.Contracts;

/// <summary>"1 trial", "3 trials": a count with its noun in the right number, for every message a user reads.</summary>
public static class Counted
{
    /// <param name="plural">Irregular plural; default the noun + "s".</param>
    public static string Of(long count, string noun, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count:N0} {(count == 1 ? noun : plural ?? noun + "s")}");
}
