using System.Text.Json;
using Orchestrator.Training.Optimization;
using Orchestrator.Training.Trials;

namespace Orchestrator.Silo.TrialHost;

/// <summary>Maps the fff-sbi parameter map of a request onto a <see cref="TrialConfig"/>; absent names keep their defaults.</summary>
public static class FffSbiParameters
{
    private static readonly string[] Known =
        ["task", "budget", "beta", "lr", "weightDecay", "batchSize", "epochs", "architecture", "identityInit", "hutchinson", "posteriorSamples", "validationFraction"];

    /// <summary>The config; throws <see cref="InvalidTrialRequestException"/> naming an unknown or ill-typed parameter.</summary>
    public static TrialConfig ToConfig(
        IReadOnlyDictionary<string, JsonElement> parameters, long seed, string device, int threads, IReadOnlyList<int> observations)
    {
        var unknown = parameters.Keys.Where(k => !Known.Contains(k, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
            throw new InvalidTrialRequestException(
                $"Unknown fff-sbi parameter(s) {string.Join(", ", unknown)}: expected {string.Join(", ", Known)}.");
        var defaults = new TrialConfig();
        var training = defaults.Training;
        return defaults with
        {
            Task = Get(parameters, "task", JsonValueKind.String, e => e.GetString()!, defaults.Task),
            Budget = Get(parameters, "budget", JsonValueKind.Number, Int, defaults.Budget),
            PosteriorSamples = Get(parameters, "posteriorSamples", JsonValueKind.Number, Int, defaults.PosteriorSamples),
            ValidationFraction = Get(parameters, "validationFraction", JsonValueKind.Number, e => e.GetDouble(), defaults.ValidationFraction),
            Seed = seed,
            Device = device,
            Threads = threads,
            Observations = observations,
            Training = training with
            {
                Beta = Get(parameters, "beta", JsonValueKind.Number, e => e.GetDouble(), training.Beta),
                LearningRate = Get(parameters, "lr", JsonValueKind.Number, e => e.GetDouble(), training.LearningRate),
                WeightDecay = Get(parameters, "weightDecay", JsonValueKind.Number, e => e.GetDouble(), training.WeightDecay),
                BatchSize = Get(parameters, "batchSize", JsonValueKind.Number, Int, training.BatchSize),
                Epochs = Get(parameters, "epochs", JsonValueKind.Number, Int, training.Epochs),
                Architecture = Get(parameters, "architecture", JsonValueKind.String, e => e.GetString()!, training.Architecture),
                IdentityInit = Get(parameters, "identityInit", JsonValueKind.True, e => e.GetBoolean(), training.IdentityInit),
                HutchinsonSamples = Get(parameters, "hutchinson", JsonValueKind.Number, Int, training.HutchinsonSamples),
            },
        };
    }

    private static int Int(JsonElement e) =>
        e.TryGetInt32(out var value) ? value : throw new FormatException("not a 32-bit integer");

    private static T Get<T>(IReadOnlyDictionary<string, JsonElement> parameters, string name, JsonValueKind kind, Func<JsonElement, T> read, T fallback)
    {
        if (!parameters.TryGetValue(name, out var element) || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            return fallback;
        var kindMatches = kind == JsonValueKind.True ? element.ValueKind is JsonValueKind.True or JsonValueKind.False : element.ValueKind == kind;
        try
        {
            if (kindMatches)
                return read(element);
        }
        catch (FormatException)
        {
        }
        var expected = kind switch { JsonValueKind.True => "a boolean", JsonValueKind.Number => "a number", _ => "a string" };
        throw new InvalidTrialRequestException($"fff-sbi parameter '{name}' must be {expected} (got {element.GetRawText()}).");
    }
}
