using System.Runtime.CompilerServices;
using Orchestrator.Client.Sdk;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;

namespace Orchestrator.Tests.Client;

/// <summary>An <see cref="IOrchestratorClient"/> with canned answers that records what it was asked, as users of the SDK fake it.</summary>
public sealed class FakeOrchestratorClient(SweepResults results) : IOrchestratorClient
{
    public List<string> Calls { get; } = [];

    public bool Disposed { get; private set; }

    /// <summary>What <see cref="WatchAsync"/> yields.</summary>
    public IReadOnlyList<SweepProgress> Events { get; set; } = [];

    public Task<SweepStatus> SubmitAsync(SweepSpec spec, CancellationToken cancellation = default) => Answer($"submit {spec.Name}", cancellation);

    public Task<SweepStatus> GetStatusAsync(string sweep, CancellationToken cancellation = default) => Answer($"status {sweep}", cancellation);

    public async IAsyncEnumerable<SweepProgress> WatchAsync(string sweep, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        Calls.Add($"watch {sweep}");
        await Task.CompletedTask;
        foreach (var progress in Events)
            yield return progress;
    }

    public Task<SweepResults> GetResultsAsync(string sweep, CancellationToken cancellation = default)
    {
        Calls.Add($"results {sweep}");
        cancellation.ThrowIfCancellationRequested();
        return Task.FromResult(results);
    }

    public Task<ResultsPage> GetResultsPageAsync(string sweep, ResultsQuery query, CancellationToken cancellation = default)
    {
        Calls.Add($"results-page {sweep} top={query.Limit} order={query.Order} status={query.Status}");
        cancellation.ThrowIfCancellationRequested();
        var rows = results.Trials.Where(t => query.Status is not { } s || t.Status == s).ToList();
        return Task.FromResult(new ResultsPage(results.Status, results.Searched, [.. rows.Skip((int)query.After).Take(query.Limit)], rows.Count,
            query.After + query.Limit < rows.Count ? query.After + query.Limit : null, [.. results.Groups.Take(query.Groups)], results.Groups.Count,
            results.Objective, results.Metrics, EpochMetrics));
    }

    public async IAsyncEnumerable<TrialRow> ExportAsync(string sweep, Orchestrator.Contracts.Trials.TrialStatus? status = null,
        [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        Calls.Add($"export {sweep} status={status}");
        await Task.CompletedTask;
        foreach (var row in results.Trials.Where(t => status is not { } s || t.Status == s))
            yield return row;
    }

    public Task<IReadOnlyList<LearningCurve>> GetLearningCurvesAsync(string sweep, int maxGroups = 24, int maxPoints = 200,
        CancellationToken cancellation = default)
    {
        Calls.Add($"curves {sweep}");
        return Task.FromResult<IReadOnlyList<LearningCurve>>([]);
    }

    public Task<SweepStatus> CancelAsync(string sweep, CancellationToken cancellation = default) => Answer($"cancel {sweep}", cancellation);

    public Task<SweepStatus> ResumeAsync(string sweep, bool retryFailed = false, CancellationToken cancellation = default) =>
        Answer($"resume {sweep} retryFailed={retryFailed}", cancellation);

    public Task<SweepStatus> PromoteAsync(string sweep, string? trial = null, CancellationToken cancellation = default) =>
        Answer($"promote {sweep} trial={trial}", cancellation);

    public Task DeleteAsync(string sweep, CancellationToken cancellation = default) => Answer($"rm {sweep}", cancellation);

    /// <summary>The per-epoch metric columns result pages carry.</summary>
    public IReadOnlyList<MetricColumn>? EpochMetrics { get; set; }

    /// <summary>Lines <see cref="GetTrialMetricsAsync"/> and <see cref="GetTrialLogAsync"/> return.</summary>
    public IReadOnlyList<string> TrialLines { get; set; } = [];

    public Task<IReadOnlyList<string>> GetTrialMetricsAsync(string sweep, string trial, CancellationToken cancellation = default)
    {
        Calls.Add($"metrics {sweep} {trial}");
        return Task.FromResult(TrialLines);
    }

    public Task<IReadOnlyList<string>> GetTrialLogAsync(string sweep, string trial, CancellationToken cancellation = default)
    {
        Calls.Add($"logs {sweep} {trial}");
        return Task.FromResult(TrialLines);
    }

    public Task<IReadOnlyList<SweepStatus>> ListAllAsync(CancellationToken cancellation = default)
    {
        Calls.Add("ls --all");
        return Task.FromResult<IReadOnlyList<SweepStatus>>([results.Status]);
    }

    public Task ArchiveAsync(string sweep, bool archived = true, CancellationToken cancellation = default)
    {
        Calls.Add($"archive {sweep} {archived}");
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SweepStatus>> ListAsync(CancellationToken cancellation = default)
    {
        Calls.Add("ls");
        return Task.FromResult<IReadOnlyList<SweepStatus>>([results.Status]);
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }

    private Task<SweepStatus> Answer(string call, CancellationToken cancellation)
    {
        Calls.Add(call);
        cancellation.ThrowIfCancellationRequested();
        return Task.FromResult(results.Status);
    }
}
