using Microsoft.Extensions.Logging;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Workloads;

namespace Orchestrator.Grains.Sweeps;

/// <summary>Results of <see cref="SweepGrain"/> in pages: ranked and filtered in memory, details read for one page only.</summary>
public sealed partial class SweepGrain
{
    /// <summary>Sweeps with more started trials than this get no summary.csv at their end (export with 'results --csv').</summary>
    public const int SummaryMaxTrials = 2_000;

    public async Task<ResultsPage> GetResultsPageAsync(ResultsQuery query)
    {
        if (definition.State.Spec is null)
            throw NotFound();
        var limit = Math.Clamp(query.Limit, 0, ResultsQuery.MaxLimit);
        var (rows, matching, next) = _ledger.Query(query, limit);
        var trials = await Task.WhenAll(rows.Select(RowAsync));
        var groups = await Task.WhenAll(_ledger.TopGroups(Math.Max(0, query.GroupsAfter), Math.Clamp(query.Groups, 0, ResultsQuery.MaxLimit)).Select(GroupAsync));
        return new ResultsPage(Status(), [.. Spec.Search.Keys.Order(StringComparer.Ordinal)], trials, matching, next, groups, _ledger.RankedGroupCount,
            MetricColumn.Of(Objective), MetricText.Columns(Workload, Objective), [.. Workload.EpochMetrics.Select(MetricColumn.Of)]);
    }

    private async Task<TrialRow> RowAsync(LedgerTrial trial)
    {
        var state = await StateOfAsync(trial);
        var spec = state.Spec ?? await ResolveAsync(trial.Index, trial.ConfigHash);
        // The ledger's status and objective are the sweep's view (a trial that never started again after a cancel reads
        // cancelled); the other final metrics come from the trial's state.
        return new TrialRow(trial.ConfigHash, trial.GroupHash, spec.Seed, trial.Status, trial.Attempt, trial.Objective,
            state.FinalMetrics(Workload.PrimaryMetric.Name), state.Reason, spec.Parameters, state.Worker, state.StartedAt, state.FinishedAt);
    }

    private async Task<GroupRow> GroupAsync(LedgerGroup group)
    {
        var first = _ledger.Find(group.FirstIndex)!;
        var spec = await ResolveAsync(first.Index, first.ConfigHash);
        var parameters = spec.Parameters.Where(p => p.Key != WorkloadDescriptor.SeedParameter).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        // The ledger aggregates the objective only (its mean is the group's one metric mean).
        return new GroupRow(group.GroupHash, parameters, Spec.Seeds.Count, group.Completed, group.Mean, group.Sem,
            new Dictionary<string, double> { [Objective.Name] = group.Mean });
    }

    /// <summary>summary.csv of a finished sweep, page by page (skipped above <see cref="SummaryMaxTrials"/> started trials).</summary>
    private async Task WriteSummaryAsync()
    {
        if (_ledger.Started > SummaryMaxTrials)
            return;
        try
        {
            var rows = new List<TrialRow>();
            for (long? after = 0; after is { } position;)
            {
                var page = await GetResultsPageAsync(new ResultsQuery(ResultsQuery.MaxLimit, position, Order: ResultsOrder.Start, Groups: 0));
                rows.AddRange(page.Trials);
                after = page.Next;
            }
            var results = new SweepResults(Status(), [.. Spec.Search.Keys.Order(StringComparer.Ordinal)], rows, [],
                MetricColumn.Of(Objective), MetricText.Columns(Workload, Objective));
            await store.PutSummaryAsync(Name, System.Text.Encoding.UTF8.GetBytes(SummaryCsv.Write(results)));
        }
        catch (Exception e) when (e is IOException or Azure.RequestFailedException)
        {
            // The summary can be exported at any time ('results --csv'); do not fail the sweep over it.
            LogSummaryFailed(e, Name);
        }
    }
}
