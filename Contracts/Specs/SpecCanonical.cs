using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Contracts.Specs;

/// <summary>Canonical JSON (sorted keys, canonical numbers, no whitespace) and the short hashes built on it.</summary>
public static class SpecCanonical
{
    /// <summary>First 16 lowercase hex digits of the SHA-256 of the UTF-8 text.</summary>
    public static string Hash(string canonical) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];

    /// <summary>Canonical JSON of a workload name and a parameter map: the input of trial config and group hashes.</summary>
    public static string WriteParameters(string workload, IReadOnlyDictionary<string, ParamValue> parameters) =>
        Build(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("parameters");
            WriteMap(w, parameters);
            w.WriteString("workload", workload);
            w.WriteEndObject();
        });

    /// <summary>Canonical JSON of a whole sweep spec.</summary>
    public static string Write(SweepSpec spec) => Build(w =>
    {
        // Keys are written in ordinal order by hand, so the text never depends on declaration order.
        w.WriteStartObject();
        // Written only when given (like objective and scheduler), so the hashes of specs without it stay what they were.
        if (spec.Checkpoints is { } checkpoints)
            w.WriteString("checkpoints", checkpoints);
        w.WriteStartObject("evaluation");
        w.WriteStartArray("observations");
        foreach (var observation in spec.Evaluation.Observations)
            w.WriteNumberValue(observation);
        w.WriteEndArray();
        w.WriteNumber("shards", spec.Evaluation.Shards);
        w.WriteEndObject();
        w.WritePropertyName("fixed");
        WriteMap(w, spec.Fixed);
        w.WriteStartObject("limits");
        if (spec.Limits.MaxTrials is { } maxTrials)
            w.WriteNumber("maxTrials", maxTrials);
        if (spec.Limits.TimeBudget is { } budget)
            w.WriteString("timeBudget", Durations.Format(budget));
        w.WriteEndObject();
        w.WriteString("name", spec.Name);
        // Written only when given, so the hashes of specs without them stay what they were.
        if (spec.Objective is { } objective)
        {
            w.WriteStartObject("objective");
            if (objective.Direction is { } direction)
                w.WriteString("direction", direction);
            w.WriteString("fidelity", objective.Fidelity);
            w.WriteString("metric", objective.Metric);
            w.WriteEndObject();
        }
        w.WriteStartObject("resources");
        w.WriteString("device", spec.Resources.Device.ToString().ToLowerInvariant());
        // resources.trialsPerWorker was removed (never honoured; always 1): written as 1 so that the content hash of a
        // spec submitted before the removal stays the same and running it again continues that sweep.
        w.WriteNumber("trialsPerWorker", 1);
        // Written only when packing is on, so the hashes of specs without it stay what they were.
        if (spec.Resources.Pack != ResourceSpec.PackOff)
            w.WriteString("pack", spec.Resources.PackText);
        w.WriteEndObject();
        if (spec.Scheduler is { } scheduler)
            WriteScheduler(w, scheduler);
        w.WriteStartObject("search");
        foreach (var (name, dimension) in spec.Search.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WritePropertyName(name);
            WriteDimension(w, dimension);
        }
        w.WriteEndObject();
        w.WriteStartArray("seeds");
        foreach (var seed in spec.Seeds)
            w.WriteNumberValue(seed);
        w.WriteEndArray();
        w.WriteStartObject("strategy");
        w.WriteString("kind", spec.Strategy.Kind.ToString().ToLowerInvariant());
        if (spec.Strategy.Kind is StrategyKind.Random or StrategyKind.Tpe)
        {
            w.WriteNumber("samples", spec.Strategy.Samples);
            w.WriteNumber("seed", spec.Strategy.Seed);
        }
        if (spec.Strategy.Kind == StrategyKind.Tpe)
            w.WriteNumber("startup", spec.Strategy.Startup);
        w.WriteEndObject();
        w.WriteString("workload", spec.Workload);
        w.WriteEndObject();
    });

    private static void WriteScheduler(Utf8JsonWriter w, SchedulerSpec scheduler)
    {
        w.WriteStartObject("scheduler");
        w.WriteNumber("brackets", scheduler.Brackets);
        w.WriteNumber("eta", scheduler.ReductionFactor);
        w.WriteNumber("graceEpochs", scheduler.GraceEpochs);
        // Written only when given, so specs without it keep their hashes.
        if (scheduler.GroupBy.Count > 0)
        {
            w.WriteStartArray("groupBy");
            foreach (var name in scheduler.GroupBy)
                w.WriteStringValue(name);
            w.WriteEndArray();
        }
        w.WriteString("kind", scheduler.Kind.ToString().ToLowerInvariant());
        if (scheduler.Metric is { } metric)
            w.WriteString("metric", metric);
        if (scheduler.MaxEpochs is { } max)
            w.WriteNumber("maxEpochs", max);
        w.WriteNumber("minEpochs", scheduler.MinEpochs);
        w.WriteNumber("minSamples", scheduler.MinSamples);
        w.WriteEndObject();
    }

    private static void WriteDimension(Utf8JsonWriter w, SearchDimension dimension)
    {
        w.WriteStartObject();
        if (dimension.Count is { } count)
            w.WriteNumber("count", count);
        w.WriteString("kind", dimension.Kind.ToString().ToLowerInvariant());
        if (dimension.IsEnumerated)
        {
            w.WriteStartArray("values");
            foreach (var value in dimension.Values)
                w.WriteRawValue(value.ToCanonical());
            w.WriteEndArray();
        }
        else
        {
            w.WritePropertyName("range");
            w.WriteStartArray();
            w.WriteRawValue(ParamValue.FormatNumber(dimension.Low));
            w.WriteRawValue(ParamValue.FormatNumber(dimension.High));
            w.WriteEndArray();
            if (dimension.Kind == SearchKind.IntRange)
            {
                w.WritePropertyName("step");
                w.WriteRawValue(ParamValue.FormatNumber(dimension.Step ?? 1));
            }
        }
        w.WriteEndObject();
    }

    private static void WriteMap(Utf8JsonWriter w, IReadOnlyDictionary<string, ParamValue> map)
    {
        w.WriteStartObject();
        foreach (var (name, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WritePropertyName(name);
            w.WriteRawValue(value.ToCanonical());
        }
        w.WriteEndObject();
    }

    private static string Build(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
            write(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
