using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Orchestrator.Contracts.Specs;

/// <summary>Reads YAML text into <see cref="SpecNode"/>s through YamlDotNet's event parser (positions kept).</summary>
internal static partial class YamlNodeReader
{
    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex PositionPrefix();

    /// <summary>Deepest nesting of lists and maps a spec may have (a hostile spec must not overflow the stack).</summary>
    public const int MaxDepth = 64;

    /// <summary>The document's root node, or null for an empty document; syntax errors throw with line and column.</summary>
    public static SpecNode? Read(string text)
    {
        var parser = new Parser(new StringReader(text));
        var last = new StrongBox<Mark>(Mark.Empty);
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
                return null;
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, last, 0);
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
        catch (InvalidOperationException)
        {
            // YamlDotNet 16 throws this instead of a YamlException for some unterminated flow collections.
            throw Error("YAML syntax error: unterminated [list] or {map} (a closing bracket is missing)", last.Value);
        }
    }

    private static SpecNode ReadNode(IParser parser, StrongBox<Mark> last, int depth)
    {
        if (parser.Current is { } current)
            last.Value = current.Start;
        if (depth > MaxDepth)
            throw Error($"lists and maps nest deeper than {MaxDepth} levels", last.Value);
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
                items.Add(ReadNode(parser, last, depth + 1));
            return new ListNode(items, Line(sequence.Start), Column(sequence.Start));
        }
        if (parser.TryConsume<MappingStart>(out var mapping))
        {
            var entries = new List<MapEntry>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = ReadNode(parser, last, depth + 1);
                var value = ReadNode(parser, last, depth + 1);
                if (key is not ScalarNode { Value: { } keyValue })
                    throw Error("map keys must be plain names", MarkOf(key));
                entries.Add(new MapEntry(keyValue.ToString(), key.Line, key.Column, value));
            }
            return new MapNode(entries, Line(mapping.Start), Column(mapping.Start));
        }
        var other = parser.Consume<ParsingEvent>();
        throw Error(other is AnchorAlias ? "YAML aliases (*name) are not supported in specs" : $"unexpected YAML {other.GetType().Name}", other.Start);
    }

    private static Mark MarkOf(SpecNode node) => new(0, node.Line, node.Column);

    private static int Line(Mark mark) => (int)Math.Max(1, mark.Line);

    private static int Column(Mark mark) => (int)Math.Max(1, mark.Column);

    private static SpecValidationException Error(string message, Mark mark) =>
        new([new SpecError("", message, Line(mark), Column(mark))]);
}
