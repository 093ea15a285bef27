using System.Text;

namespace Orchestrator.Contracts.Storage;

/// <summary>metrics.jsonl encoding shared by the stores: UTF-8, one line per record, each ending in '\n'.</summary>
public static class MetricLines
{
    /// <summary>Encodes lines as one append payload; a line with a line break would corrupt the file, so it is refused.</summary>
    public static byte[] Encode(IEnumerable<string> lines)
    {
        var builder = new StringBuilder();
        foreach (var line in lines)
        {
            if (line.AsSpan().IndexOfAny('\n', '\r') >= 0)
            {
                throw new ArgumentException("A metrics line must not contain line breaks.", nameof(lines));
            }
            builder.Append(line).Append('\n');
        }
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    public static IReadOnlyList<string> Decode(ReadOnlySpan<byte> content) =>
        Encoding.UTF8.GetString(content).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
