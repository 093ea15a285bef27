using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;

namespace Orchestrator.Client.Sdk;

/// <summary>
/// What a program does with an orchestrator cluster: submit sweeps, follow them, read results, cancel and resume.
/// <see cref="OrchestratorClient"/> implements it over Orleans; tests of code that uses the SDK can fake it.
/// Cancelling a token stops waiting for the answer; a submit, cancel or resume the cluster already received still
/// takes effect (all three are idempotent).
/// </summary>
public interface IOrchestratorClient : IAsyncDisposable
{
    /// <summary>Submits a sweep. Idempotent: the same name and spec again returns its status; a different spec under that name is refused.</summary>
    /// <exception cref="SpecValidationException">The spec is invalid for the cluster's workloads (every problem listed).</exception>
    Task<SweepStatus> SubmitAsync(SweepSpec spec, CancellationToken cancellation = default);

    /// <summary>The sweep's counts and phase.</summary>
    Task<SweepStatus> GetStatusAsync(string sweep, CancellationToken cancellation = default);

    /// <summary>Progress events until the sweep finishes (or the token is cancelled).</summary>
    IAsyncEnumerable<SweepProgress> WatchAsync(string sweep, CancellationToken cancellation = default);

    /// <summary>
    /// Every started trial's row and every configuration group (mean ± SEM over seeds), read page by page (O(trials):
    /// for large sweeps use <see cref="GetResultsPageAsync"/> or <see cref="ExportAsync"/>); write them with
    /// <see cref="SummaryCsv"/> or <see cref="SweepResultsJson"/>.
    /// </summary>
    Task<SweepResults> GetResultsAsync(string sweep, CancellationToken cancellation = default);

    /// <summary>One bounded page: the top trials by the objective (or start order), filtered, plus the top groups.</summary>
    Task<ResultsPage> GetResultsPageAsync(string sweep, ResultsQuery query, CancellationToken cancellation = default);

    /// <summary>Every started trial (optionally only those in <paramref name="status"/>), streamed in start order one page at a time.</summary>
    IAsyncEnumerable<TrialRow> ExportAsync(string sweep, Contracts.Trials.TrialStatus? status = null, CancellationToken cancellation = default);

    /// <summary>Seed-averaged, down-sampled learning curves of up to <paramref name="maxGroups"/> config groups.</summary>
    Task<IReadOnlyList<LearningCurve>> GetLearningCurvesAsync(string sweep, int maxGroups = 24, int maxPoints = 200, CancellationToken cancellation = default);

    /// <summary>Pending and running trials end Cancelled; completed results are kept.</summary>
    Task<SweepStatus> CancelAsync(string sweep, CancellationToken cancellation = default);

    /// <summary>Continues unfinished (cancelled or interrupted) trials from their checkpoints; with <paramref name="retryFailed"/> also failed ones.</summary>
    Task<SweepStatus> ResumeAsync(string sweep, bool retryFailed = false, CancellationToken cancellation = default);

    /// <summary>Continues stopped trials (every one, or the one whose config hash starts with <paramref name="trial"/>) to their
    /// full budget from the checkpoint they were stopped at; the early-stopping policy no longer judges them.</summary>
    Task<SweepStatus> PromoteAsync(string sweep, string? trial = null, CancellationToken cancellation = default);

    /// <summary>Deletes the sweep with all its results (running work is cancelled first); its name can be used again.</summary>
    /// <exception cref="KeyNotFoundException">No sweep of that name exists.</exception>
    Task DeleteAsync(string sweep, CancellationToken cancellation = default);

    /// <summary>The trial's per-epoch metric lines (JSON, one object per epoch, as stored), oldest first; empty when none.</summary>
    /// <param name="trial">The trial's config hash (the <c>trial</c> column of the results).</param>
    Task<IReadOnlyList<string>> GetTrialMetricsAsync(string sweep, string trial, CancellationToken cancellation = default);

    /// <summary>The trial's log: per attempt, what its worker and trial host did and printed, timestamped; empty when none.</summary>
    Task<IReadOnlyList<string>> GetTrialLogAsync(string sweep, string trial, CancellationToken cancellation = default);

    /// <summary>
    /// Every sweep the cluster knows except archived ones, newest first: one stored record per finished sweep, a live
    /// status per running one.
    /// </summary>
    Task<IReadOnlyList<SweepStatus>> ListAsync(CancellationToken cancellation = default);

    /// <summary>As <see cref="ListAsync"/>, archived sweeps included.</summary>
    Task<IReadOnlyList<SweepStatus>> ListAllAsync(CancellationToken cancellation = default);

    /// <summary>Moves a finished sweep out of the listing (or back with <paramref name="archived"/> false); its results stay.</summary>
    /// <exception cref="InvalidOperationException">The sweep is unknown or still running.</exception>
    Task ArchiveAsync(string sweep, bool archived = true, CancellationToken cancellation = default);
}
