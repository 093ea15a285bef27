using System.Globalization;

namespace Orchestrator.Workloads;

/// <summary>
/// One workload parameter, declared once: its name (as specs, the trial host and <c>--kebab-case</c> CLI options spell
/// it), type, the allowed range (<see cref="Min"/>/<see cref="Max"/>, exclusive where flagged) or set of values
/// (<see cref="Allowed"/>), the default a trial gets when a spec leaves it out, and a one-line help text.
/// </summary>
public sealed record ParameterDefinition(string Name, ParamKind Kind, string Help)
{
    public double? Min { get; init; }
    public bool MinExclusive { get; init; }
    public double? Max { get; init; }
    public bool MaxExclusive { get; init; }
    public IReadOnlyList<string>? Allowed { get; init; }
    public ParamValue? Default { get; init; }

    /// <summary>
    /// True when the value changes the shapes of the model or data (architecture, task): a checkpoint of one value
    /// cannot serve another, and batched runs must not mix values.
    /// </summary>
    public bool ChangesShape { get; init; }

    /// <summary>
    /// True for hooks that only tests set (fault injection): no default, left out of generated CLI options and tables.
    /// </summary>
    public bool TestOnly { get; init; }

    /// <summary>What a valid value looks like: "an integer ≥ 20", "a number > 0", "one of reference, resnet-s".</summary>
    public string Expected
    {
        get
        {
            if (Allowed is { Count: > 0 })
                return "one of " + string.Join(", ", Allowed);
            var noun = Kind switch
            {
                ParamKind.Integer => "an integer",
                ParamKind.Number => "a number",
                ParamKind.Bool => "true or false",
                _ => "a string",
            };
            var bounds = new List<string>();
            if (Min is { } min)
                bounds.Add($"{(MinExclusive ? ">" : "≥")} {ParamValue.FormatNumber(min)}");
            if (Max is { } max)
                bounds.Add($"{(MaxExclusive ? "<" : "≤")} {ParamValue.FormatNumber(max)}");
            return bounds.Count == 0 ? noun : $"{noun} {string.Join(" and ", bounds)}";
        }
    }

    /// <summary>The value in this parameter's type (1 becomes 1.0 for numbers), or null when it does not fit the type.</summary>
    public ParamValue? Coerce(ParamValue value) => value.ConvertTo(Kind);

    /// <summary>Null when the value is valid; otherwise "expected …, got …".</summary>
    public string? Check(ParamValue value)
    {
        var typed = Coerce(value);
        var ok = typed is not null && Kind switch
        {
            ParamKind.Integer or ParamKind.Number => InRange(typed.AsDouble()),
            ParamKind.String => Allowed is not { Count: > 0 } || Allowed.Contains(typed.AsString(), StringComparer.Ordinal),
            _ => true,
        };
        if (ok && Kind == ParamKind.Integer && Math.Abs(typed!.AsDouble()) > int.MaxValue)
            return $"expected {Expected} (at most {int.MaxValue}: workloads read 32-bit integers), got {Show(value)}";
        return ok ? null : $"expected {Expected}, got {Show(value)}";
    }

    /// <summary>A value as messages quote it: strings in quotes, numbers canonical.</summary>
    public static string Show(ParamValue value) => value.Kind == ParamKind.String
        ? $"'{Printable(value.Text ?? "")}'"
        : value.ToCanonical();

    /// <summary>User text as messages may quote it: control characters escaped, at most 80 characters.</summary>
    public static string Printable(string text)
    {
        var shown = text.Length <= 80 ? text : text[..80];
        var escaped = string.Concat(shown.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        return text.Length <= 80 ? escaped : $"{escaped}… ({text.Length} characters)";
    }

    /// <summary>A number as messages quote it.</summary>
    public static string Show(double value) => double.IsFinite(value)
        ? ParamValue.FormatNumber(value)
        : value.ToString(CultureInfo.InvariantCulture);

    private bool InRange(double value) =>
        double.IsFinite(value)
        && (Min is not { } min || (MinExclusive ? value > min : value >= min))
        && (Max is not { } max || (MaxExclusive ? value < max : value <= max));
}
