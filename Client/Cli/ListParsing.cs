using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Orchestrator.Client.Cli;

/// <summary>Options that take comma-separated lists, e.g. --observations 1,2,3.</summary>
public static class ListParsing
{
    public static Option<T[]> ListOption<T>(string name, string description, T[] defaults) where T : IParsable<T> => new(name)
    {
        Description = $"{description} (comma-separated; default {string.Join(",", defaults)})",
        DefaultValueFactory = _ => defaults,
        CustomParser = Parse<T>,
    };

    private static T[] Parse<T>(ArgumentResult result) where T : IParsable<T>
    {
        var values = new List<T>();
        foreach (var token in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (T.TryParse(token, CultureInfo.InvariantCulture, out var value))
                values.Add(value);
            else
                result.AddError($"'{token}' is not a valid {typeof(T).Name} for {result.Parent?.ToString() ?? "the option"}.");
        }
        return [.. values];
    }
}
