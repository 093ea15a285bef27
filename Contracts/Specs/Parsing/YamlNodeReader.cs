using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Orchestrator.Contracts.Specs;

/// <summary>Reads YAML text into <see cref="SpecNode"/>s through YamlDotNet's event parser (positions kept).</summary>
internal static partial class YamlNodeReader
{
    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex PositionPrefix();

    /// <summary>The document's root node, or null for an empty document; syntax errors throw with line and column.</summary>
    public static SpecNode? Read(string text)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
                return null;
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser);
            parser.Consume<DocumentEnd>();
            if (parser.TryConsume<DocumentStart>(out var next))
                throw Error("a spec is one YAML document; found a second one", next.Start);
            return root is ScalarNode { Value: null } ? null : root;
        }
        catch (YamlException e)
        {
            var message = PositionPrefix().Replace(e.Message, "");
            throw Error($"YAML syntax error: {message.TrimEnd('.')}", e.Start);
        }
    }

    private static SpecNode ReadNode(IParser parser)
    {
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            // Quoted and block scalars are always strings; only plain ones are typed.
            var value = scalar.Style == ScalarStyle.Plain ? ScalarTyping.FromPlain(scalar.Value) : ParamValue.Of(scalar.Value);
            return new ScalarNode(value, Line(scalar.Start), Column(scalar.Start));
        }
        if (parser.TryConsume<SequenceStart>(out var sequence))
        {
            var items = new List<SpecNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
                items.Add(ReadNode(parser));
            return new ListNode(items, Line(sequence.Start), Column(sequence.Start));
        }
        if (parser.TryConsume<MappingStart>(out var mapping))
        {
            var entries = new List<MapEntry>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = ReadNode(parser);
                var value = ReadNode(parser);
                if (key is not ScalarNode { Value: { } keyValue })
                    throw Error("map keys must be plain names", Mark(key));
                entries.Add(new MapEntry(keyValue.ToString(), key.Line, key.Column, value));
            }
            return new MapNode(entries, Line(mapping.Start), Column(mapping.Start));
        }
        var other = parser.Consume<ParsingEvent>();
        throw Error(other is AnchorAlias ? "YAML aliases (*name) are not supported in specs" : $"unexpected YAML {other.GetType().Name}", other.Start);
    }

    private static Mark Mark(SpecNode node) => new(0, node.Line, node.Column);

    private static int Line(Mark mark) => (int)Math.Max(1, mark.Line);

    private static int Column(Mark mark) => (int)Math.Max(1, mark.Column);

    private static SpecValidationException Error(string message, Mark mark) =>
        new([new SpecError("", message, Line(mark), Column(mark))]);
}
