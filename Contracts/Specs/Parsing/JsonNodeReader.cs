using System.Text;
using System.Text.Json;

namespace Orchestrator.Contracts.Specs;

/// <summary>Reads JSON text into <see cref="SpecNode"/>s with System.Text.Json's reader (comments and trailing commas allowed).</summary>
internal static class JsonNodeReader
{
    public static SpecNode? Read(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var lines = new LineIndex(bytes);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read())
                return null;
            var root = ReadValue(ref reader, lines);
            if (reader.Read())
                throw new JsonException("Additional text after the JSON value.");
            return root;
        }
        catch (JsonException e)
        {
            // The reader's positions are 0-based; its message repeats them, so keep only the first sentence.
            var message = e.Message.Split(" LineNumber:", 2)[0].Trim().TrimEnd('.');
            throw new SpecValidationException(
                [new SpecError("", $"JSON syntax error: {message}", (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1)]);
        }
    }

    private static SpecNode ReadValue(ref Utf8JsonReader reader, LineIndex lines)
    {
        var (line, column) = lines.At(reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var entries = new List<MapEntry>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var (keyLine, keyColumn) = lines.At(reader.TokenStartIndex);
                    var key = reader.GetString() ?? "";
                    reader.Read();
                    entries.Add(new MapEntry(key, keyLine, keyColumn, ReadValue(ref reader, lines)));
                }
                return new MapNode(entries, line, column);
            case JsonTokenType.StartArray:
                var items = new List<SpecNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    items.Add(ReadValue(ref reader, lines));
                return new ListNode(items, line, column);
            case JsonTokenType.String:
                return new ScalarNode(ParamValue.Of(reader.GetString() ?? ""), line, column);
            case JsonTokenType.Number:
                // Same typing as YAML, so "1" is an integer and "1.0" a number in both formats.
                return new ScalarNode(ScalarTyping.FromPlain(Encoding.UTF8.GetString(reader.ValueSpan)), line, column);
            case JsonTokenType.True:
                return new ScalarNode(ParamValue.Of(true), line, column);
            case JsonTokenType.False:
                return new ScalarNode(ParamValue.Of(false), line, column);
            default:
                return new ScalarNode(null, line, column);
        }
    }

    /// <summary>Maps byte offsets to 1-based line and column.</summary>
    private sealed class LineIndex
    {
        private readonly List<long> _starts = [0];

        public LineIndex(byte[] bytes)
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] == (byte)'\n')
                    _starts.Add(i + 1);
            }
        }

        public (int Line, int Column) At(long offset)
        {
            var index = _starts.BinarySearch(offset);
            if (index < 0)
                index = ~index - 1;
            return (index + 1, (int)(offset - _starts[index]) + 1);
        }
    }
}
