using Orchestrator.Contracts.Specs;
using Orchestrator.Workloads;

namespace Orchestrator.Grains.Hosting;

/// <summary>
/// Rejects at submit a sweep whose data is missing on this silo (a task's observations or reference posteriors, an
/// observation number beyond the shipped ones, a Boltzmann split), so it fails in one line instead of after training.
/// Data follows the text-valued parameters (a task, a system), never the numbers: the check runs once per combination
/// of searched text values, with every number at its first value, so its cost does not grow with the sweep's size.
/// </summary>
/// <param name="requirementOf">A workload's data requirement (throws, one line, when data a trial with these complete
/// parameters and observations would read is missing), or null for a workload that reads none.</param>
public sealed class SweepDataCheck(Func<string, Action<IReadOnlyDictionary<string, ParamValue>, IReadOnlyList<int>>?> requirementOf)
{
    /// <summary>At most this many parameter combinations are checked.</summary>
    public const int MaxCombinations = 1000;

    /// <summary>Checks nothing (a silo without the workloads' data layout, unit tests).</summary>
    public static SweepDataCheck None { get; } = new(_ => null);

    /// <exception cref="ArgumentException">Data is missing; the message names it.</exception>
    public void Require(SweepSpec spec, WorkloadRegistry workloads)
    {
        if (requirementOf(spec.Workload) is not { } require)
            return;
        foreach (var parameters in Combinations(spec, workloads))
        {
            try
            {
                require(parameters, spec.Evaluation.Observations);
            }
            catch (Exception e) when (e is not (OutOfMemoryException or ArgumentException))
            {
                // MissingDataException lives with the workloads (Training); the client knows ArgumentException.
                throw new ArgumentException(e.Message);
            }
        }
    }

    /// <summary>One complete parameter set per combination of the searched text values (numbers at their first value).</summary>
    public static IEnumerable<IReadOnlyDictionary<string, ParamValue>> Combinations(SweepSpec spec, WorkloadRegistry workloads)
    {
        var reduced = spec with
        {
            Search = spec.Search.ToDictionary(p => p.Key, p => TextValuesOrFirst(p.Value), StringComparer.Ordinal),
            Strategy = StrategySpec.Grid,
            Seeds = [spec.Seeds[0]],
            Limits = new LimitsSpec(),
        };
        var source = TrialSources.Create(reduced, workloads);
        for (var i = 0; i < MaxCombinations && source.Next() is { } trial; i++)
            yield return trial.Parameters;
    }

    private static SearchDimension TextValuesOrFirst(SearchDimension dimension) => dimension.Kind switch
    {
        SearchKind.List or SearchKind.Choice when dimension.Values.Any(v => v.Kind == ParamKind.String) =>
            dimension with { Values = [.. dimension.Values.Where(v => v.Kind == ParamKind.String).Distinct()] },
        SearchKind.List or SearchKind.Choice => SearchDimension.ListOf(dimension.Values[0]),
        SearchKind.IntRange => SearchDimension.ListOf(ParamValue.Of((long)dimension.Low)),
        _ => SearchDimension.ListOf(ParamValue.Of(dimension.Low)),
    };
}
