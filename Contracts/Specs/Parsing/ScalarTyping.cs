using System.Globalization;
using System.Text.RegularExpressions;

namespace Orchestrator.Contracts.Specs;

/// <summary>
/// Types an unquoted scalar the YAML 1.2 core-schema way: integers, decimal numbers, true/false, null; anything
/// else is a string. "yes", "on" and ".inf" stay strings, so no value changes type by surprise.
/// </summary>
internal static partial class ScalarTyping
{
    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex NumberPattern();

    public static ParamValue? FromPlain(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return ParamValue.Of(true);
            case "false" or "False" or "FALSE":
                return ParamValue.Of(false);
        }
        if (IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            return ParamValue.Of(integer);
        if (NumberPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return ParamValue.Of(number);
        return ParamValue.Of(text);
    }
}
