using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Orchestrator.Contracts.Specs;

/// <summary>Durations written as "90s", "30m", "2h", "1d", or combined "1h30m" (units d, h, m, s, ms).</summary>
public static partial class Durations
{
    public const string Expected = "a duration like 90s, 30m, 2h or 1h30m";

    [GeneratedRegex(@"\G([0-9]+(?:\.[0-9]+)?)(ms|d|h|m|s)")] // ASCII digits only: \d also matches e.g. Arabic-Indic digits
    private static partial Regex Part();

    /// <summary>Parses the text; false for anything else, including a zero or empty duration.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
            return false;
        var total = 0.0;
        var at = 0;
        while (at < text.Length)
        {
            var match = Part().Match(text, at);
            if (!match.Success)
                return false;
            var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            total += amount * match.Groups[2].Value switch
            {
                "d" => 86_400,
                "h" => 3_600,
                "m" => 60,
                "s" => 1,
                _ => 0.001,
            };
            at += match.Length;
        }
        if (total <= 0 || total > TimeSpan.MaxValue.TotalSeconds / 2)
            return false;
        duration = TimeSpan.FromSeconds(total);
        return true;
    }

    /// <summary>The shortest combined form: 2h, 1h30m, 90s becomes 1m30s.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
            return "0s";
        var text = new StringBuilder();
        void Append(long amount, string unit)
        {
            if (amount > 0)
                text.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
        Append(duration.Days, "d");
        Append(duration.Hours, "h");
        Append(duration.Minutes, "m");
        Append(duration.Seconds, "s");
        Append(duration.Milliseconds, "ms");
        return text.Length == 0 ? "0s" : text.ToString();
    }
}
