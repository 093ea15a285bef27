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

    /// <summary>The same document, streamed: status and searched first, then the trials one at a time, then the groups.</summary>
    public static async Task WriteAsync(TextWriter output, SweepStatus status, IReadOnlyList<string> searched, MetricColumn objective,
        IReadOnlyList<MetricColumn> metrics, IReadOnlyList<GroupRow> groups, IAsyncEnumerable<TrialRow> trials, CancellationToken cancellation = default)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true });
        async Task FlushAsync()
        {
            writer.Flush();
            await output.WriteAsync(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
            buffer.ResetWrittenCount();
        }
        writer.WriteStartObject();
        writer.WritePropertyName("status");
        JsonSerializer.Serialize(writer, status, Options);
        writer.WritePropertyName("searched");
        JsonSerializer.Serialize(writer, searched, Options);
        writer.WritePropertyName("objective");
        JsonSerializer.Serialize(writer, objective, Options);
        writer.WritePropertyName("metrics");
        JsonSerializer.Serialize(writer, metrics, Options);
        writer.WriteStartArray("trials");
        await foreach (var trial in trials.WithCancellation(cancellation))
        {
            JsonSerializer.Serialize(writer, trial, Options);
            if (buffer.WrittenCount + writer.BytesPending > 1 << 16)
                await FlushAsync();
        }
        writer.WriteEndArray();
        writer.WritePropertyName("groups");
        JsonSerializer.Serialize(writer, groups, Options);
        writer.WriteEndObject();
        await FlushAsync();
        await output.WriteLineAsync();
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
