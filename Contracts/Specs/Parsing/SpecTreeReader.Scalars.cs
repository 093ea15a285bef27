namespace Orchestrator.Contracts.Specs;

/// <summary>The node-level helpers of <see cref="SpecTreeReader"/>: maps with key checks, and typed scalars.</summary>
internal sealed partial class SpecTreeReader
{
    /// <summary>
    /// The map's entries by key (first occurrence), reporting duplicates, and keys outside <paramref name="allowed"/>
    /// (null allows any key); null when the node is not a map.
    /// </summary>
    private Dictionary<string, SpecNode>? Fields(SpecNode node, string path, IReadOnlyList<string>? allowed)
    {
        Remember(path, node);
        if (node is not MapNode map)
        {
            var what = path.Length == 0 ? "the spec" : path;
            Errors.Add(new SpecError(path, $"expected {what} to be a map of keys, got {node.Describe()}", node.Line, node.Column));
            return null;
        }
        var fields = new Dictionary<string, SpecNode>(StringComparer.Ordinal);
        foreach (var entry in map.Entries)
        {
            var at = Join(path, entry.Key);
            if (fields.ContainsKey(entry.Key))
            {
                var first = Positions.TryGetValue(at, out var p) ? $" (first given on line {p.Line})" : "";
                Errors.Add(new SpecError(at, $"duplicate key '{entry.Key}'{first}", entry.Line, entry.Column));
                continue;
            }
            if (allowed is not null && !allowed.Contains(entry.Key, StringComparer.Ordinal))
            {
                var hint = Suggestions.Closest(entry.Key, allowed) is { } guess ? $" (did you mean '{guess}'?)" : "";
                Errors.Add(new SpecError(at, $"unknown key '{entry.Key}'{hint}; expected one of {string.Join(", ", allowed)}", entry.Line, entry.Column));
                continue;
            }
            Positions[at] = (entry.Line, entry.Column);
            fields[entry.Key] = entry.Value;
        }
        return fields;
    }

    private ParamValue[] Values(ListNode list, string path)
    {
        Remember(path, list);
        var values = new List<ParamValue>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (Value(list.Items[i], $"{path}[{i}]") is { } value)
                values.Add(value);
        }
        return [.. values];
    }

    /// <summary>Any non-null scalar.</summary>
    private ParamValue? Value(SpecNode node, string path)
    {
        Remember(path, node);
        if (node is ScalarNode { Value: { } value })
            return value;
        return Fail<ParamValue>(path, node, $"expected a single value (number, integer, string or true/false), got {node.Describe()}");
    }

    /// <summary>Any non-null scalar as text (so a plain <c>name: 2024</c> is the name "2024").</summary>
    private string? Text(SpecNode node, string path)
    {
        Remember(path, node);
        if (node is ScalarNode { Value: { Kind: not ParamKind.Bool } value })
            return value.ToString();
        return Fail<string>(path, node, $"expected a string, got {node.Describe()}");
    }

    private long? Integer(SpecNode node, string path, string expected)
    {
        Remember(path, node);
        if (node is ScalarNode { Value: { IsIntegral: true } value })
            return value.AsInt64();
        Error(path, node, $"expected {expected}, got {node.Describe()}");
        return null;
    }

    private int? Int(SpecNode node, string path, string expected)
    {
        var value = Integer(node, path, expected);
        if (value is null or (>= int.MinValue and <= int.MaxValue))
            return (int?)value;
        Error(path, node, $"expected {expected}, got {value}");
        return null;
    }

    private double? Number(SpecNode node, string path, string expected)
    {
        Remember(path, node);
        if (node is ScalarNode { Value: { IsNumeric: true } value } && double.IsFinite(value.AsDouble()))
            return value.AsDouble();
        Error(path, node, $"expected {expected}, got {node.Describe()}");
        return null;
    }

    private void Remember(string path, SpecNode node) => Positions.TryAdd(path, (node.Line, node.Column));

    private void Error(string path, SpecNode node, string message) =>
        Errors.Add(new SpecError(path, message, node.Line, node.Column));

    private T? Fail<T>(string path, SpecNode node, string message)
    {
        Error(path, node, message);
        return default;
    }
}
