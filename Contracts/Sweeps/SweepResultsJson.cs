using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Contracts.Sweeps;

/// <summary>
/// Sweep results as JSON (<c>results --json</c>, the SDK): camelCase, parameters as plain JSON values, non-finite
/// numbers as null.
/// </summary>
public static class SweepResultsJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new ParamValueConverter(), new FiniteDoubleConverter() },
    };

    public static string Write(SweepResults results) => JsonSerializer.Serialize(results, Options);

    /// <summary>The same document, streamed: status, searched and groups first, then the trials one at a time.</summary>
    public static async Task WriteAsync(Stream output, SweepStatus status, IReadOnlyList<string> searched, IReadOnlyList<GroupRow> groups,
        IAsyncEnumerable<TrialRow> trials, CancellationToken cancellation = default)
    {
        await using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WritePropertyName("status");
        JsonSerializer.Serialize(writer, status, Options);
        writer.WritePropertyName("searched");
        JsonSerializer.Serialize(writer, searched, Options);
        writer.WriteStartArray("trials");
        await foreach (var trial in trials.WithCancellation(cancellation))
        {
            JsonSerializer.Serialize(writer, trial, Options);
            if (writer.BytesPending > 1 << 16)
                await writer.FlushAsync(cancellation);
        }
        writer.WriteEndArray();
        writer.WritePropertyName("groups");
        JsonSerializer.Serialize(writer, groups, Options);
        writer.WriteEndObject();
        await writer.FlushAsync(cancellation);
    }

    private sealed class ParamValueConverter : JsonConverter<ParamValue>
    {
        public override ParamValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Results JSON is written, not read.");

        public override void Write(Utf8JsonWriter writer, ParamValue value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.ToCanonical());
    }

    private sealed class FiniteDoubleConverter : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value))
                writer.WriteNumberValue(value);
            else
                writer.WriteNullValue();
        }
    }
}
