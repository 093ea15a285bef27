using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Orchestrator.Contracts.Storage;

namespace Orchestrator.Grains.Storage;

/// <summary>
/// <see cref="IResultStore"/> on Azure Blob Storage (or Azurite), layout from <see cref="ResultStoreLayout"/>.
/// result.json is uploaded with If-None-Match:* (first writer wins); metrics.jsonl is an append blob (each
/// append is one atomic block, so concurrent appenders never interleave inside a batch); everything else is a
/// block blob replaced whole. The container is created on first use.
/// </summary>
public sealed class BlobResultStore : IResultStore
{
    // An append block holds at most 4 MiB; larger batches are split at line boundaries.
    private const int MaxAppendBlock = 4 * 1024 * 1024;

    private readonly BlobContainerClient _container;
    private readonly Lazy<Task> _containerReady;

    public BlobResultStore(BlobContainerClient container)
    {
        _container = container;
        _containerReady = new Lazy<Task>(() => _container.CreateIfNotExistsAsync(), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public BlobResultStore(BlobStorageOptions options)
        : this(options.CreateContainerClient())
    {
    }

    public string ContainerName => _container.Name;

    public async Task PutSpecAsync(string sweep, ReadOnlyMemory<byte> spec, CancellationToken cancellationToken = default) =>
        await UploadAsync(ResultStoreLayout.Spec(sweep), BinaryData.FromBytes(spec), cancellationToken);

    public Task<byte[]?> GetSpecAsync(string sweep, CancellationToken cancellationToken = default) =>
        DownloadOrNullAsync(ResultStoreLayout.Spec(sweep), cancellationToken);

    public async Task<bool> TryPutResultAsync(string sweep, string configHash, int attempt, ReadOnlyMemory<byte> result, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient(ResultStoreLayout.Result(sweep, configHash, attempt));
        await EnsureContainerAsync(cancellationToken);
        try
        {
            var options = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
            await blob.UploadAsync(BinaryData.FromBytes(result), options, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false; // BlobAlreadyExists / ConditionNotMet: an earlier writer won
        }
    }

    public Task<byte[]?> GetResultAsync(string sweep, string configHash, int attempt, CancellationToken cancellationToken = default) =>
        DownloadOrNullAsync(ResultStoreLayout.Result(sweep, configHash, attempt), cancellationToken);

    public async Task<IReadOnlyList<int>> ListAttemptsAsync(string sweep, string configHash, CancellationToken cancellationToken = default)
    {
        var trials = ResultStoreLayout.TrialsPrefix(sweep);
        var attempts = new List<int>();
        await foreach (var relative in ListRelativeAsync(ResultStoreLayout.TrialPrefix(sweep, configHash), trials, cancellationToken))
        {
            if (ResultStoreLayout.TryParseResultPath(relative, out _, out var attempt))
            {
                attempts.Add(attempt);
            }
        }
        attempts.Sort();
        return attempts;
    }

    public Task AppendMetricsAsync(string sweep, string configHash, IEnumerable<string> lines, CancellationToken cancellationToken = default) =>
        AppendLinesAsync(ResultStoreLayout.Metrics(sweep, configHash), lines, cancellationToken);

    public Task AppendLogAsync(string sweep, string configHash, IEnumerable<string> lines, CancellationToken cancellationToken = default) =>
        AppendLinesAsync(ResultStoreLayout.Log(sweep, configHash), lines, cancellationToken);

    public async Task<IReadOnlyList<string>> ReadLogAsync(string sweep, string configHash, CancellationToken cancellationToken = default)
    {
        var content = await DownloadOrNullAsync(ResultStoreLayout.Log(sweep, configHash), cancellationToken);
        return content is null ? [] : MetricLines.Decode(content);
    }

    private async Task AppendLinesAsync(string name, IEnumerable<string> lines, CancellationToken cancellationToken)
    {
        var chunks = ChunkLines(lines);
        if (chunks.Count == 0)
        {
            return;
        }
        var blob = _container.GetAppendBlobClient(name);
        await EnsureContainerAsync(cancellationToken);
        await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        foreach (var chunk in chunks)
        {
            using var stream = new MemoryStream(chunk, writable: false);
            await blob.AppendBlockAsync(stream, cancellationToken: cancellationToken);
        }
    }

    public Task AppendLedgerAsync(string sweep, int segment, IEnumerable<string> lines, CancellationToken cancellationToken = default) =>
        AppendLinesAsync(ResultStoreLayout.Ledger(sweep, segment), lines, cancellationToken);

    public async Task<long> AppendStatesAsync(string sweep, int segment, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        if (payload.Length > MaxAppendBlock)
            throw new ArgumentException($"A batch of trial states is larger than {MaxAppendBlock} bytes.", nameof(payload));
        var blob = _container.GetAppendBlobClient(ResultStoreLayout.States(sweep, segment));
        await EnsureContainerAsync(cancellationToken);
        await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        using var stream = new MemoryStream(payload.ToArray(), writable: false);
        var appended = await blob.AppendBlockAsync(stream, cancellationToken: cancellationToken);
        return long.Parse(appended.Value.BlobAppendOffset, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<byte[]> ReadStateAsync(string sweep, int segment, long offset, int length, CancellationToken cancellationToken = default)
    {
        var response = await _container.GetBlobClient(ResultStoreLayout.States(sweep, segment)).DownloadContentAsync(
            new BlobDownloadOptions { Range = new Azure.HttpRange(offset, length) }, cancellationToken);
        return response.Value.Content.ToArray();
    }

    public async IAsyncEnumerable<(int Segment, string Line)> ReadLedgerAsync(string sweep,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        var prefix = ResultStoreLayout.LedgerPrefix(sweep);
        var segments = new List<int>();
        await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            if (ResultStoreLayout.LedgerSegment(item.Name[prefix.Length..]) is { } segment)
                segments.Add(segment);
        }
        segments.Sort();
        foreach (var segment in segments)
        {
            var content = await DownloadOrNullAsync(ResultStoreLayout.Ledger(sweep, segment), cancellationToken);
            foreach (var line in content is null ? [] : MetricLines.Decode(content))
                yield return (segment, line);
        }
    }

    public async Task<IReadOnlyList<string>> ReadMetricsAsync(string sweep, string configHash, CancellationToken cancellationToken = default)
    {
        var content = await DownloadOrNullAsync(ResultStoreLayout.Metrics(sweep, configHash), cancellationToken);
        return content is null ? [] : MetricLines.Decode(content);
    }

    public Task PutCheckpointAsync(string sweep, string configHash, Stream content, CancellationToken cancellationToken = default) =>
        UploadAsync(ResultStoreLayout.Checkpoint(sweep, configHash), content, cancellationToken);

    public Task<Stream?> OpenCheckpointAsync(string sweep, string configHash, CancellationToken cancellationToken = default) =>
        OpenOrNullAsync(ResultStoreLayout.Checkpoint(sweep, configHash), cancellationToken);

    public Task PutCheckpointCopyAsync(string sweep, string configHash, int epoch, Stream content, CancellationToken cancellationToken = default) =>
        UploadAsync(ResultStoreLayout.CheckpointCopy(sweep, configHash, epoch), content, cancellationToken);

    public Task DeleteCheckpointAsync(string sweep, string configHash, CancellationToken cancellationToken = default) =>
        _container.DeleteBlobIfExistsAsync(ResultStoreLayout.Checkpoint(sweep, configHash), cancellationToken: cancellationToken);

    public Task PutSamplesAsync(string sweep, string configHash, int observation, Stream gzippedCsv, CancellationToken cancellationToken = default) =>
        UploadAsync(ResultStoreLayout.Samples(sweep, configHash, observation), gzippedCsv, cancellationToken);

    public Task<Stream?> OpenSamplesAsync(string sweep, string configHash, int observation, CancellationToken cancellationToken = default) =>
        OpenOrNullAsync(ResultStoreLayout.Samples(sweep, configHash, observation), cancellationToken);

    public async Task PutSummaryAsync(string sweep, ReadOnlyMemory<byte> csv, CancellationToken cancellationToken = default) =>
        await UploadAsync(ResultStoreLayout.Summary(sweep), BinaryData.FromBytes(csv), cancellationToken);

    public Task<byte[]?> GetSummaryAsync(string sweep, CancellationToken cancellationToken = default) =>
        DownloadOrNullAsync(ResultStoreLayout.Summary(sweep), cancellationToken);

    public async Task<bool> DeleteSweepAsync(string sweep, CancellationToken cancellationToken = default)
    {
        var prefix = ResultStoreLayout.SweepPrefix(sweep);
        var deleted = false;
        await foreach (var name in ListRelativeAsync(prefix, "", cancellationToken))
        {
            await _container.DeleteBlobIfExistsAsync(name, cancellationToken: cancellationToken);
            deleted = true;
        }
        return deleted;
    }

    public async Task<IReadOnlyList<string>> ListSweepsAsync(CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        var names = new List<string>();
        var pages = _container.GetBlobsByHierarchyAsync(
            new GetBlobsByHierarchyOptions { Delimiter = "/", Prefix = ResultStoreLayout.SweepsRoot }, cancellationToken);
        await foreach (var item in pages)
        {
            if (item.IsPrefix)
            {
                var name = item.Prefix[ResultStoreLayout.SweepsRoot.Length..].TrimEnd('/');
                if (ResultStoreLayout.IsValidName(name))
                {
                    names.Add(name);
                }
            }
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public async Task<IReadOnlyList<TrialResultEntry>> ListTrialResultsAsync(string sweep, CancellationToken cancellationToken = default)
    {
        var trials = ResultStoreLayout.TrialsPrefix(sweep);
        var byHash = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        await foreach (var relative in ListRelativeAsync(trials, trials, cancellationToken))
        {
            if (ResultStoreLayout.TryParseResultPath(relative, out var hash, out var attempt))
            {
                if (!byHash.TryGetValue(hash, out var attempts))
                {
                    byHash[hash] = attempts = [];
                }
                attempts.Add(attempt);
            }
        }
        return byHash.Select(pair => new TrialResultEntry(pair.Key, pair.Value.Order().ToList())).ToList();
    }

    private Task EnsureContainerAsync(CancellationToken cancellationToken) => _containerReady.Value.WaitAsync(cancellationToken);

    /// <summary>Blob names under <paramref name="prefix"/>, relative to <paramref name="relativeTo"/>.</summary>
    private async IAsyncEnumerable<string> ListRelativeAsync(
        string prefix, string relativeTo, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            yield return item.Name[relativeTo.Length..];
        }
    }

    private async Task UploadAsync(string name, BinaryData content, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        await _container.GetBlobClient(name).UploadAsync(content, overwrite: true, cancellationToken);
    }

    private async Task UploadAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        // A block blob upload commits atomically: readers see the previous checkpoint until the new one is whole.
        await _container.GetBlobClient(name).UploadAsync(content, overwrite: true, cancellationToken);
    }

    private async Task<byte[]?> DownloadOrNullAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _container.GetBlobClient(name).DownloadContentAsync(cancellationToken);
            return response.Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private async Task<Stream?> OpenOrNullAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            // Download (not OpenRead): one consistent snapshot even if a newer checkpoint lands while reading.
            var response = await _container.GetBlobClient(name).DownloadStreamingAsync(cancellationToken: cancellationToken);
            return response.Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private static List<byte[]> ChunkLines(IEnumerable<string> lines)
    {
        var chunks = new List<byte[]>();
        var current = new List<string>();
        var size = 0;
        foreach (var line in lines)
        {
            var encoded = MetricLines.Encode([line]).Length;
            if (encoded > MaxAppendBlock)
            {
                throw new ArgumentException($"A metrics line is larger than {MaxAppendBlock} bytes.", nameof(lines));
            }
            if (size + encoded > MaxAppendBlock)
            {
                chunks.Add(MetricLines.Encode(current));
                current.Clear();
                size = 0;
            }
            current.Add(line);
            size += encoded;
        }
        if (current.Count > 0)
        {
            chunks.Add(MetricLines.Encode(current));
        }
        return chunks;
    }
}
