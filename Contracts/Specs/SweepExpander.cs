using System.Globalization;

namespace Orchestrator.Contracts.Specs;

/// <summary>
/// Turns a valid spec into its trials. Grid: the cartesian product of the search dimensions, parameters in ordinal
/// name order with the last name varying fastest. Random: <see cref="StrategySpec.Samples"/> draws from a
/// SplitMix64 seeded with <see cref="StrategySpec.Seed"/>, dimensions drawn in name order. Every configuration then
/// runs once per seed (seeds innermost, so a cap keeps whole seed groups where it can); repeated configurations are
/// dropped by config hash; <see cref="LimitsSpec.MaxTrials"/> keeps the first trials.
/// </summary>
public static class SweepExpander
{
    /// <summary>Continuous values (samples and grid points) keep this many significant digits: readable, and stable
    /// across platforms whose Math.Exp/Log differ in the last bit.</summary>
    public const int SignificantDigits = 6;

    /// <summary>Validates the spec against <paramref name="workloads"/>, then lists its trials in run order.</summary>
    public static SweepExpansion Expand(SweepSpec spec, WorkloadRegistry workloads)
    {
        SweepSpecValidator.EnsureValid(spec, workloads);
        // Adaptive search and early stopping need the sweep's adaptive shape (issue 10); a materialised list cannot run them.
        if (spec.Strategy.Kind == StrategyKind.Tpe || spec.Scheduler is { Kind: not SchedulerKind.Fifo })
            throw new SpecValidationException([new SpecError(spec.Strategy.Kind == StrategyKind.Tpe ? "strategy" : "scheduler",
                "is valid but cannot run yet: this sweep only expands grids and random draws")]);
        var workload = workloads.Get(spec.Workload);
        var definitions = workload.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);

        // Defaults, then fixed values: every trial's parameter map is complete, so equal configs hash equally
        // whether a spec spells a default out or not.
        var baseline = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
        foreach (var parameter in workload.Parameters)
        {
            if (parameter.Default is { } value)
                baseline[parameter.Name] = value;
        }
        foreach (var (name, value) in spec.Fixed)
            baseline[name] = value;

        var trials = new List<TrialSpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var planned = 0;
        var duplicates = 0;
        foreach (var configuration in Configurations(spec))
        {
            var parameters = new Dictionary<string, ParamValue>(baseline, StringComparer.Ordinal);
            foreach (var (name, value) in configuration)
                parameters[name] = value;
            foreach (var name in parameters.Keys.ToList())
            {
                if (definitions.TryGetValue(name, out var definition) && definition.Coerce(parameters[name]) is { } typed)
                    parameters[name] = typed;
            }
            var groupHash = SpecCanonical.Hash(SpecCanonical.WriteParameters(spec.Workload, parameters));
            foreach (var seed in spec.Seeds)
            {
                planned++;
                var withSeed = new Dictionary<string, ParamValue>(parameters, StringComparer.Ordinal)
                {
                    [WorkloadDescriptor.SeedParameter] = ParamValue.Of(seed),
                };
                var configHash = SpecCanonical.Hash(SpecCanonical.WriteParameters(spec.Workload, withSeed));
                if (!seen.Add(configHash))
                {
                    duplicates++;
                    continue;
                }
                trials.Add(new TrialSpec
                {
                    Index = trials.Count, ConfigHash = configHash, GroupHash = groupHash, Seed = seed,
                    Parameters = withSeed, Workload = spec.Workload,
                });
            }
        }
        var truncatedBy = 0;
        if (spec.Limits.MaxTrials is { } max && trials.Count > max)
        {
            truncatedBy = trials.Count - max;
            trials.RemoveRange(max, truncatedBy);
        }
        return new SweepExpansion { Trials = trials, Planned = planned, DuplicatesRemoved = duplicates, TruncatedBy = truncatedBy };
    }

    /// <summary>Trials the strategy produces before deduplication and the cap (saturates at long.MaxValue).</summary>
    public static long PlannedCount(SweepSpec spec)
    {
        var configurations = spec.Strategy.Kind is StrategyKind.Random or StrategyKind.Tpe
            ? Math.Max(0, spec.Strategy.Samples)
            : spec.Search.Values.Aggregate(1.0, (product, d) => product * GridSize(d));
        var total = configurations * spec.Seeds.Count;
        return total >= long.MaxValue ? long.MaxValue : (long)total;
    }

    private static double GridSize(SearchDimension dimension) => dimension.Kind switch
    {
        SearchKind.List or SearchKind.Choice => dimension.Values.Count,
        SearchKind.IntRange => Math.Floor((dimension.High - dimension.Low) / (dimension.Step ?? 1)) + 1,
        _ => dimension.Count ?? 0,
    };

    private static IEnumerable<IReadOnlyList<KeyValuePair<string, ParamValue>>> Configurations(SweepSpec spec)
    {
        var dimensions = spec.Search.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        if (spec.Strategy.Kind == StrategyKind.Random)
        {
            var random = new SplitMix64(spec.Strategy.Seed);
            for (var i = 0; i < spec.Strategy.Samples; i++)
                yield return dimensions.Select(d => KeyValuePair.Create(d.Key, Sample(d.Value, random))).ToList();
            yield break;
        }
        var axes = dimensions.Select(d => GridValues(d.Value)).ToList();
        var position = new int[axes.Count];
        while (true)
        {
            yield return dimensions.Select((d, i) => KeyValuePair.Create(d.Key, axes[i][position[i]])).ToList();
            // Odometer: the last axis turns fastest.
            var axis = axes.Count - 1;
            while (axis >= 0 && ++position[axis] == axes[axis].Count)
                position[axis--] = 0;
            if (axis < 0)
                yield break;
        }
    }

    private static IReadOnlyList<ParamValue> GridValues(SearchDimension dimension)
    {
        switch (dimension.Kind)
        {
            case SearchKind.List or SearchKind.Choice:
                return dimension.Values;
            case SearchKind.IntRange:
                var step = (long)(dimension.Step ?? 1);
                var values = new List<ParamValue>();
                for (var v = (long)dimension.Low; v <= (long)dimension.High; v += step)
                    values.Add(ParamValue.Of(v));
                return values;
            default:
                var count = dimension.Count ?? 2;
                return Enumerable.Range(0, count)
                    .Select(i => Continuous(dimension, count == 1 ? 0 : i / (double)(count - 1)))
                    .ToList();
        }
    }

    private static ParamValue Sample(SearchDimension dimension, SplitMix64 random)
    {
        switch (dimension.Kind)
        {
            case SearchKind.List or SearchKind.Choice:
                return dimension.Values[(int)random.NextBelow((ulong)dimension.Values.Count)];
            case SearchKind.IntRange:
                var step = (long)(dimension.Step ?? 1);
                var points = ((long)dimension.High - (long)dimension.Low) / step + 1;
                return ParamValue.Of((long)dimension.Low + step * (long)random.NextBelow((ulong)points));
            default:
                return Continuous(dimension, random.NextDouble());
        }
    }

    /// <summary>The point at fraction <paramref name="u"/> of the range (log-spaced for log-uniform), rounded.</summary>
    private static ParamValue Continuous(SearchDimension dimension, double u)
    {
        var value = dimension.Kind == SearchKind.LogUniform
            ? Math.Exp(Math.Log(dimension.Low) + u * (Math.Log(dimension.High) - Math.Log(dimension.Low)))
            : dimension.Low + u * (dimension.High - dimension.Low);
        var rounded = double.Parse(value.ToString("G" + SignificantDigits, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return ParamValue.Of(Math.Clamp(rounded, dimension.Low, dimension.High));
    }
}
