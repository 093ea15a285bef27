using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Orchestrator.Client.Cli;

/// <summary>
/// The values of a comma-separated list option. Deliberately not enumerable: System.CommandLine's help joins an
/// enumerable default with '|' (<c>1|2|3</c>), while this type's <see cref="ToString"/> shows it as typed (<c>1,2,3</c>).
/// </summary>
public sealed record CommaList<T>(T[] Values)
{
    public override string ToString() => string.Join(",", Values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));
}

/// <summary>Options that take comma-separated lists, e.g. --observations 1,2,3.</summary>
public static class ListParsing
{
    public static Option<CommaList<T>> ListOption<T>(string name, string description, T[] defaults) where T : IParsable<T> => new(name)
    {
        Description = $"{description} (comma-separated)",
        DefaultValueFactory = _ => new CommaList<T>(defaults),
        CustomParser = Parse<T>,
    };

    /// <summary>The option's values (its default when it was not given).</summary>
    public static T[] GetList<T>(this ParseResult parse, Option<CommaList<T>> option) => parse.GetValue(option)!.Values;

    private static CommaList<T> Parse<T>(ArgumentResult result) where T : IParsable<T>
    {
        var values = new List<T>();
        foreach (var token in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (T.TryParse(token, CultureInfo.InvariantCulture, out var value))
                values.Add(value);
            else
                result.AddError($"'{token}' is not a valid {typeof(T).Name} for {result.Parent?.ToString() ?? "the option"}.");
        }
        return new CommaList<T>([.. values]);
    }
}
