using System.Globalization;
using System.Text.Json;

namespace Orchestrator.Workloads;

/// <summary>
/// One scalar parameter value: an integer, a number, a string or a bool. <see cref="ToCanonical"/> prints it so that
/// equal values print equally: numbers in their shortest round-trip form, integral numbers without a fraction
/// (1 and 1.0 both print "1"), strings as JSON strings. Orleans serializes it through Contracts' ParamValueSurrogate
/// (this assembly stays free of Orleans).
/// </summary>
public sealed record ParamValue
{
    public ParamKind Kind { get; init; }
    public long Integer { get; init; }
    public double Number { get; init; }
    public string? Text { get; init; }
    public bool Flag { get; init; }

    public static ParamValue Of(long value) => new() { Kind = ParamKind.Integer, Integer = value };
    public static ParamValue Of(double value) => new() { Kind = ParamKind.Number, Number = value };
    public static ParamValue Of(string value) => new() { Kind = ParamKind.String, Text = value };
    public static ParamValue Of(bool value) => new() { Kind = ParamKind.Bool, Flag = value };

    public bool IsNumeric => Kind is ParamKind.Integer or ParamKind.Number;

    /// <summary>True for integers and for numbers without a fractional part (1000.0 counts as an integer).</summary>
    public bool IsIntegral => Kind == ParamKind.Integer
        || (Kind == ParamKind.Number && double.IsFinite(Number) && Math.Floor(Number) == Number && Math.Abs(Number) < MaxExactInteger);

    /// <summary>Integers and numbers as a double; throws for strings and bools.</summary>
    public double AsDouble() => Kind switch
    {
        ParamKind.Integer => Integer,
        ParamKind.Number => Number,
        _ => throw new InvalidOperationException($"Parameter value {this} is not a number."),
    };

    /// <summary>Integers, and numbers without a fractional part, as a long; throws otherwise.</summary>
    public long AsInt64() => IsIntegral
        ? Kind == ParamKind.Integer ? Integer : (long)Number
        : throw new InvalidOperationException($"Parameter value {this} is not an integer.");

    public string AsString() => Kind == ParamKind.String ? Text ?? "" : throw new InvalidOperationException($"Parameter value {this} is not a string.");

    public bool AsBool() => Kind == ParamKind.Bool ? Flag : throw new InvalidOperationException($"Parameter value {this} is not a bool.");

    /// <summary>The value converted to <paramref name="kind"/> where that loses nothing (1 ↔ 1.0); otherwise null.</summary>
    public ParamValue? ConvertTo(ParamKind kind)
    {
        if (kind == Kind)
            return this;
        return kind switch
        {
            ParamKind.Number when Kind == ParamKind.Integer => Of((double)Integer),
            ParamKind.Integer when IsIntegral => Of(AsInt64()),
            _ => null,
        };
    }

    /// <summary>The JSON literal used in canonical forms and hashes.</summary>
    public string ToCanonical() => Kind switch
    {
        ParamKind.Integer => Integer.ToString(CultureInfo.InvariantCulture),
        ParamKind.Number => FormatNumber(Number),
        ParamKind.String => JsonSerializer.Serialize(Text ?? ""),
        _ => Flag ? "true" : "false",
    };

    /// <summary>Canonical form, with strings unquoted (for messages and tables).</summary>
    public override string ToString() => Kind == ParamKind.String ? Text ?? "" : ToCanonical();

    // Doubles hold every integer below 2^53 exactly; beyond that an integral double prints in exponent form.
    private const double MaxExactInteger = 9_007_199_254_740_992d;

    /// <summary>Shortest round-trip text; integral values without fraction or exponent; -0 as 0.</summary>
    public static string FormatNumber(double value)
    {
        if (value == 0)
            return "0";
        if (Math.Floor(value) == value && Math.Abs(value) < MaxExactInteger)
            return ((long)value).ToString(CultureInfo.InvariantCulture);
        return value.ToString("R", CultureInfo.InvariantCulture);
    }
}
