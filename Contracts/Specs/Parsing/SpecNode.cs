namespace Orchestrator.Contracts.Specs;

/// <summary>A format-neutral document tree with positions: YAML and JSON both read into it, one walker reads specs from it.</summary>
internal abstract record SpecNode(int Line, int Column)
{
    /// <summary>"a map", "a list", "'abc'": how messages name what was found.</summary>
    public abstract string Describe();
}

/// <summary>A scalar; <see cref="Value"/> is null for YAML/JSON null or an empty YAML value.</summary>
internal sealed record ScalarNode(ParamValue? Value, int Line, int Column) : SpecNode(Line, Column)
{
    public override string Describe() => Value is null ? "nothing" : ParameterDefinition.Show(Value);
}

internal sealed record ListNode(IReadOnlyList<SpecNode> Items, int Line, int Column) : SpecNode(Line, Column)
{
    public override string Describe() => "a list";
}

/// <summary>A map keeping its entries in document order, duplicates included (the walker reports them).</summary>
internal sealed record MapNode(IReadOnlyList<MapEntry> Entries, int Line, int Column) : SpecNode(Line, Column)
{
    public override string Describe() => "a map";
}

internal sealed record MapEntry(string Key, int Line, int Column, SpecNode Value);
