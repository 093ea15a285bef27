using Orchestrator.Contracts.Trials;

namespace Orchestrator.Contracts.Sweeps;

/// <summary>How a results page is ordered.</summary>
[GenerateSerializer, Alias("orchestrator.results-order")]
public enum ResultsOrder
{
    /// <summary>Best objective first (the spec's objective, else the workload's primary metric, in its direction).</summary>
    Objective,
    /// <summary>The order trials started in; pages continue from <see cref="ResultsPage.Next"/>.</summary>
    Start,
}

/// <summary>
/// One page of a sweep's results: at most <see cref="Limit"/> trials (capped at <see cref="MaxLimit"/>) and
/// <see cref="Groups"/> config groups, so no answer grows with the sweep.
/// </summary>
/// <param name="After">Objective order: matching rows to skip. Start order: the <see cref="ResultsPage.Next"/> of the previous page (0 first).</param>
/// <param name="Status">Only trials in this state.</param>
/// <param name="Group">Only trials of this config group (group hash).</param>
/// <param name="Groups">Config groups to return, best first (0: none).</param>
/// <param name="GroupsAfter">Groups to skip.</param>
[GenerateSerializer, Immutable, Alias("orchestrator.results-query")]
public sealed record ResultsQuery(
    [property: Id(0)] int Limit = 20,
    [property: Id(1)] long After = 0,
    [property: Id(2)] TrialStatus? Status = null,
    [property: Id(3)] string? Group = null,
    [property: Id(4)] ResultsOrder Order = ResultsOrder.Objective,
    [property: Id(5)] int Groups = 20,
    [property: Id(6)] int GroupsAfter = 0)
{
    /// <summary>The most trials or groups one page carries.</summary>
    public const int MaxLimit = 1000;
}

/// <summary>A page of results.</summary>
/// <param name="Matching">Trials that match the query's filters (-1 when a start-order page with filters does not count them).</param>
/// <param name="Next">Start order: where the next page starts; null when this was the last.</param>
/// <param name="GroupCount">Config groups with at least one completed trial.</param>
/// <param name="Objective">The metric rows are ranked by; <paramref name="Metrics"/> the workload's final metrics (column headings).</param>
/// <param name="EpochMetrics">The workload's per-epoch metrics (headings of a trial's metrics.jsonl: a per-epoch metric may
/// share its name with a final one that means something else, e.g. fff-sbi's valNll).</param>
[GenerateSerializer, Immutable, Alias("orchestrator.results-page")]
public sealed record ResultsPage(
    [property: Id(0)] SweepStatus Status,
    [property: Id(1)] IReadOnlyList<string> Searched,
    [property: Id(2)] IReadOnlyList<TrialRow> Trials,
    [property: Id(3)] long Matching,
    [property: Id(4)] long? Next,
    [property: Id(5)] IReadOnlyList<GroupRow> Groups,
    [property: Id(6)] int GroupCount,
    [property: Id(7)] MetricColumn Objective,
    [property: Id(8)] IReadOnlyList<MetricColumn> Metrics,
    [property: Id(9)] IReadOnlyList<MetricColumn>? EpochMetrics = null);
