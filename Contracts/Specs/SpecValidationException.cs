namespace Orchestrator.Contracts.Specs;

/// <summary>A sweep spec was rejected; <see cref="Errors"/> lists every problem found, each with its path.</summary>
[GenerateSerializer, Alias("orchestrator.specs.SpecValidationException")]
public sealed class SpecValidationException : Exception
{
    public SpecValidationException(IReadOnlyList<SpecError> errors)
        : this(errors.Take(MaxErrors).Select(Bounded).ToList(), errors.Count)
    {
    }

    private SpecValidationException(List<SpecError> errors, int total)
        : base(Describe(errors, total))
    {
        Errors = errors;
    }

    /// <summary>At most this many errors are kept (a hostile spec can have millions).</summary>
    public const int MaxErrors = 50;

    [Id(0)]
    public IReadOnlyList<SpecError> Errors { get; }

    private static string Describe(IReadOnlyList<SpecError> errors, int total) => errors.Count == 1
        ? $"Invalid sweep spec: {errors[0]}"
        : $"Invalid sweep spec ({total} errors{(total > errors.Count ? $", the first {errors.Count} shown" : "")}):{Environment.NewLine}  "
            + string.Join(Environment.NewLine + "  ", errors);

    // User text reaches paths and messages: control characters escaped (none reaches a terminal raw), lengths capped.
    private static SpecError Bounded(SpecError error) => error with { Path = Printable(error.Path, 200), Message = Printable(error.Message, 500) };

    private static string Printable(string text, int max)
    {
        var shown = text.Length <= max ? text : text[..max];
        var escaped = string.Concat(shown.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        return text.Length <= max ? escaped : $"{escaped}… ({text.Length} characters)";
    }
}
