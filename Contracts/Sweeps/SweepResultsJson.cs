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
