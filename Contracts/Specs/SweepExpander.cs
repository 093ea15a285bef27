using System.Globalization;

namespace Orchestrator.Contracts.Specs;

/// <summary>
/// The values of a sweep's trials (drawn on demand by <see cref="GridTrialSource"/> and <see cref="RandomTrialSource"/>). Grid: the cartesian product of the search dimensions, parameters in ordinal
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

    /// <summary>
    /// Validates the spec against <paramref name="workloads"/>, then lists its trials in run order: the whole
    /// <see cref="ITrialSource"/> drained (for validate's preview and counts; sweeps take one trial at a time).
    /// </summary>
    public static SweepExpansion Expand(SweepSpec spec, WorkloadRegistry workloads)
    {
        var source = TrialSources.Create(spec, workloads, capped: false);
        var trials = new List<TrialSpec>();
        while (source.Next() is { } trial)
            trials.Add(trial);
        var truncatedBy = 0;
        if (spec.Limits.MaxTrials is { } max && trials.Count > max)
        {
            truncatedBy = trials.Count - max;
            trials.RemoveRange(max, truncatedBy);
        }
        var duplicates = checked((int)source.DuplicatesSkipped);
        return new SweepExpansion { Trials = trials, Planned = trials.Count + truncatedBy + duplicates, DuplicatesRemoved = duplicates, TruncatedBy = truncatedBy };
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

    internal static IReadOnlyList<ParamValue> GridValues(SearchDimension dimension)
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

    internal static ParamValue Sample(SearchDimension dimension, SplitMix64 random)
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
