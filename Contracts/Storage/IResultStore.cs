namespace Orchestrator.Contracts.Storage;

/// <summary>
/// Durable home of a sweep's outputs, byte/stream based so it depends on no training types. Layout and semantics
/// are fixed by <see cref="ResultStoreLayout"/> and shared by every implementation (Azure blobs, a local folder).
/// Trial results are write-once per attempt (first writer wins); metrics are appended; checkpoint, samples,
/// spec and summary are overwritten whole. Sweep names and config hashes must pass <see cref="ResultStoreLayout.ValidateName"/>.
/// </summary>
public interface IResultStore
{
    /// <summary>Writes (or replaces) the sweep's spec.json.</summary>
    Task PutSpecAsync(string sweep, ReadOnlyMemory<byte> spec, CancellationToken cancellationToken = default);

    /// <summary>The sweep's spec.json, or null when none was written.</summary>
    Task<byte[]?> GetSpecAsync(string sweep, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores result.json of one attempt unless it exists already: true when this call wrote it, false when an
    /// earlier writer did (its content is kept). Late duplicates of a requeued attempt are thus harmless.
    /// </summary>
    Task<bool> TryPutResultAsync(string sweep, string configHash, int attempt, ReadOnlyMemory<byte> result, CancellationToken cancellationToken = default);

    /// <summary>result.json of one attempt, or null.</summary>
    Task<byte[]?> GetResultAsync(string sweep, string configHash, int attempt, CancellationToken cancellationToken = default);

    /// <summary>Attempts of a trial that have a result, ascending.</summary>
    Task<IReadOnlyList<int>> ListAttemptsAsync(string sweep, string configHash, CancellationToken cancellationToken = default);

    /// <summary>Appends lines (no line breaks inside) to the trial's metrics.jsonl, in order, as one append.</summary>
    Task AppendMetricsAsync(string sweep, string configHash, IEnumerable<string> lines, CancellationToken cancellationToken = default);

    /// <summary>All metric lines in append order; empty when none.</summary>
    Task<IReadOnlyList<string>> ReadMetricsAsync(string sweep, string configHash, CancellationToken cancellationToken = default);

    /// <summary>Appends lines (no line breaks inside) to the trial's log.txt, in order, as one append.</summary>
    Task AppendLogAsync(string sweep, string configHash, IEnumerable<string> lines, CancellationToken cancellationToken = default);

    /// <summary>All log lines in append order; empty when none.</summary>
    Task<IReadOnlyList<string>> ReadLogAsync(string sweep, string configHash, CancellationToken cancellationToken = default);

    /// <summary>Replaces the trial's checkpoint.bin (readers see the old or the new one whole, never a mix).</summary>
    Task PutCheckpointAsync(string sweep, string configHash, Stream content, CancellationToken cancellationToken = default);

    /// <summary>The latest checkpoint, or null when none; the caller disposes the stream.</summary>
    Task<Stream?> OpenCheckpointAsync(string sweep, string configHash, CancellationToken cancellationToken = default);

    /// <summary>Stores a copy of the checkpoint as saved after <paramref name="epoch"/>, beside the last one (<c>checkpoints: all</c>).</summary>
    Task PutCheckpointCopyAsync(string sweep, string configHash, int epoch, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Deletes the trial's last checkpoint (a checkpoint policy's doing); no error when there is none.</summary>
    Task DeleteCheckpointAsync(string sweep, string configHash, CancellationToken cancellationToken = default);

    /// <summary>Writes (or replaces) posterior_obs{observation}.csv.gz; the content is stored as given (already gzipped).</summary>
    Task PutSamplesAsync(string sweep, string configHash, int observation, Stream gzippedCsv, CancellationToken cancellationToken = default);

    /// <summary>posterior_obs{observation}.csv.gz, or null; the caller disposes the stream.</summary>
    Task<Stream?> OpenSamplesAsync(string sweep, string configHash, int observation, CancellationToken cancellationToken = default);

    /// <summary>Writes (or replaces) the sweep's summary.csv.</summary>
    Task PutSummaryAsync(string sweep, ReadOnlyMemory<byte> csv, CancellationToken cancellationToken = default);

    /// <summary>The sweep's summary.csv, or null.</summary>
    Task<byte[]?> GetSummaryAsync(string sweep, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends lines (no line breaks inside) to segment <paramref name="segment"/> of the sweep's ledger, as one append:
    /// the sweep's own record of its trials' transitions, read back whole only when a sweep activates.
    /// </summary>
    Task AppendLedgerAsync(string sweep, int segment, IEnumerable<string> lines, CancellationToken cancellationToken = default);

    /// <summary>Every ledger line of the sweep, segments in order, lines in append order; empty when none.</summary>
    IAsyncEnumerable<(int Segment, string Line)> ReadLedgerAsync(string sweep, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends trial-state records (already encoded, one batch) to segment <paramref name="segment"/> of the sweep's
    /// state log in one append; returns the offset the payload starts at. The ledger line of each transition names its
    /// record (segment, offset, length), so a state is read back with one ranged read and the log is never read whole.
    /// </summary>
    Task<long> AppendStatesAsync(string sweep, int segment, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);

    /// <summary><paramref name="length"/> bytes at <paramref name="offset"/> of a state-log segment (one record).</summary>
    Task<byte[]> ReadStateAsync(string sweep, int segment, long offset, int length, CancellationToken cancellationToken = default);

    /// <summary>Deletes every stored object of the sweep (spec, summary, results, metrics, logs, checkpoints, samples); false when there was none.</summary>
    Task<bool> DeleteSweepAsync(string sweep, CancellationToken cancellationToken = default);

    /// <summary>Names of all sweeps that have any stored object, sorted ordinally.</summary>
    Task<IReadOnlyList<string>> ListSweepsAsync(CancellationToken cancellationToken = default);

    /// <summary>Every trial of the sweep with at least one result, with its attempts; sorted by config hash.</summary>
    Task<IReadOnlyList<TrialResultEntry>> ListTrialResultsAsync(string sweep, CancellationToken cancellationToken = default);
}
