using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Protocol;

/// <summary>The line protocol's JSON: camelCase, one object per line, NaN and ±Infinity allowed as named literals.</summary>
public static class TrialHostJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
        // Readable reasons and paths in logs; the lines only travel through a pipe, never into HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // Hand-written lines need not put "type" first.
        AllowOutOfOrderMetadataProperties = true,
    };

    public static string Serialize(TrialHostRequest request) => JsonSerializer.Serialize(request, Options);

    public static string Serialize(TrialHostEvent hostEvent) => JsonSerializer.Serialize(hostEvent, Options);

    /// <summary>Parses one request line; throws <see cref="JsonException"/> when it is not a known request.</summary>
    public static TrialHostRequest ParseRequest(string line) =>
        JsonSerializer.Deserialize<TrialHostRequest>(line, Options) ?? throw new JsonException("The request line is 'null'.");

    /// <summary>Parses one event line; throws <see cref="JsonException"/> when it is not a known event.</summary>
    public static TrialHostEvent ParseEvent(string line) =>
        JsonSerializer.Deserialize<TrialHostEvent>(line, Options) ?? throw new JsonException("The event line is 'null'.");

    /// <summary>A parameter value for <see cref="TrainRequest.Parameters"/>.</summary>
    public static JsonElement Value<T>(T value) => JsonSerializer.SerializeToElement(value, Options);
}
