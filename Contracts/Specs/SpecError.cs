namespace Orchestrator.Contracts.Specs;

/// <summary>
/// One problem in a sweep spec: <see cref="Path"/> names the field (<c>search.beta[2]</c>, <c>limits.timeBudget</c>;
/// empty for the document itself), <see cref="Message"/> says what was expected and what was found. Line and column
/// (1-based) are set when the spec came from text.
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.specs.SpecError")]
public sealed record SpecError(
    [property: Id(0)] string Path,
    [property: Id(1)] string Message,
    [property: Id(2)] int? Line = null,
    [property: Id(3)] int? Column = null)
{
    public override string ToString()
    {
        var where = Path.Length == 0 ? "spec" : Path;
        return Line is { } line
            ? $"{where} (line {line}, column {Column ?? 1}): {Message}"
            : $"{where}: {Message}";
    }
}
