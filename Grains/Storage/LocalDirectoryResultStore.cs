using System.Collections.Concurrent;
using Orchestrator.Contracts.Storage;

namespace Orchestrator.Grains.Storage;

/// <summary>
/// <see cref="IResultStore"/> on a local folder: the embedded default that needs no setup. Same relative layout
/// as the blob store; whole-file writes go to a temp file first and are renamed into place so readers never see
/// partial content; result.json is moved in without overwrite, so the first writer wins.
/// </summary>
public sealed class LocalDirectoryResultStore : IResultStore
{
    private readonly string _root;

    // Serializes appends to the same metrics file within this process (one append = one uninterrupted write).
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _appendLocks = new(StringComparer.Ordinal);

    public LocalDirectoryResultStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    /// <summary>The folder that holds "sweeps/".</summary>
    public string Root => _root;

    public Task PutSpecAsync(string sweep, ReadOnlyMemory<byte> spec, CancellationToken cancellationToken = default) =>
        ReplaceAsync(ResultStoreLayout.Spec(sweep), spec, cancellationToken);

    public Task<byte[]?> GetSpecAsync(string sweep, CancellationToken cancellationToken = default) =>
        ReadAllOrNullAsync(ResultStoreLayout.Spec(sweep), cancellationToken);

    public async Task<bool> TryPutResultAsync(string sweep, string configHash, int attempt, ReadOnlyMemory<byte> result, CancellationToken cancellationToken = default)
    {
        var target = FullPath(ResultStoreLayout.Result(sweep, configHash, attempt));
        if (File.Exists(target))
        {
            return false;
        }
        var temp = await WriteTempAsync(target, result, cancellationToken);
        try
        {
            File.Move(temp, target, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(target))
        {
            return false; // a concurrent writer got there first
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public Task<byte[]?> GetResultAsync(string sweep, string configHash, int attempt, CancellationToken cancellationToken = default) =>
        ReadAllOrNullAsync(ResultStoreLayout.Result(sweep, configHash, attempt), cancellationToken);

    public Task<IReadOnlyList<int>> ListAttemptsAsync(string sweep, string configHash, CancellationToken cancellationToken = default)
    {
        var trial = FullPath(ResultStoreLayout.TrialPrefix(sweep, configHash));
        return Task.FromResult(AttemptsIn(trial, configHash));
    }

    public Task AppendMetricsAsync(string sweep, string configHash, IEnumerable<string> lines, CancellationToken cancellationToken = default) =>
        AppendLinesAsync(ResultStoreLayout.Metrics(sweep, configHash), lines, cancellationToken);

    public Task AppendLogAsync(string sweep, string configHash, IEnumerable<string> lines, CancellationToken cancellationToken = default) =>
        AppendLinesAsync(ResultStoreLayout.Log(sweep, configHash), lines, cancellationToken);

    public async Task<IReadOnlyList<string>> ReadLogAsync(string sweep, string configHash, CancellationToken cancellationToken = default)
    {
        var content = await ReadAllOrNullAsync(ResultStoreLayout.Log(sweep, configHash), cancellationToken);
        return content is null ? [] : MetricLines.Decode(content);
    }

    private async Task AppendLinesAsync(string relative, IEnumerable<string> lines, CancellationToken cancellationToken)
    {
        var path = FullPath(relative);
        var payload = MetricLines.Encode(lines);
        if (payload.Length == 0)
        {
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var gate = _appendLocks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            await file.WriteAsync(payload, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public Task AppendLedgerAsync(string sweep, int segment, IEnumerable<string> lines, CancellationToken cancellationToken = default) =>
        AppendLinesAsync(ResultStoreLayout.Ledger(sweep, segment), lines, cancellationToken);

    public async Task<long> AppendStatesAsync(string sweep, int segment, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        var path = FullPath(ResultStoreLayout.States(sweep, segment));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var gate = _appendLocks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            var offset = file.Position;
            await file.WriteAsync(payload, cancellationToken);
            return offset;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<byte[]> ReadStateAsync(string sweep, int segment, long offset, int length, CancellationToken cancellationToken = default)
    {
        using var file = File.OpenHandle(FullPath(ResultStoreLayout.States(sweep, segment)), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var bytes = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = await RandomAccess.ReadAsync(file, bytes.AsMemory(read), offset + read, cancellationToken);
            if (n == 0)
                throw new IOException($"State record of sweep '{sweep}' at {segment}:{offset} ends early ({read} of {length} bytes).");
            read += n;
        }
        return bytes;
    }

    public async IAsyncEnumerable<(int Segment, string Line)> ReadLedgerAsync(string sweep,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var folder = FullPath(ResultStoreLayout.LedgerPrefix(sweep));
        if (!Directory.Exists(folder))
            yield break;
        var segments = Directory.EnumerateFiles(folder).Select(f => ResultStoreLayout.LedgerSegment(Path.GetFileName(f)))
            .OfType<int>().Order().ToList();
        foreach (var segment in segments)
        {
            using var reader = new StreamReader(FullPath(ResultStoreLayout.Ledger(sweep, segment)));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Length > 0)
                    yield return (segment, line);
            }
        }
    }

    public async Task<IReadOnlyList<string>> ReadMetricsAsync(string sweep, string configHash, CancellationToken cancellationToken = default)
    {
        var content = await ReadAllOrNullAsync(ResultStoreLayout.Metrics(sweep, configHash), cancellationToken);
        return content is null ? [] : MetricLines.Decode(content);
    }

    public Task PutCheckpointAsync(string sweep, string configHash, Stream content, CancellationToken cancellationToken = default) =>
        ReplaceAsync(ResultStoreLayout.Checkpoint(sweep, configHash), content, cancellationToken);

    public Task<Stream?> OpenCheckpointAsync(string sweep, string configHash, CancellationToken cancellationToken = default) =>
        Task.FromResult(OpenOrNull(ResultStoreLayout.Checkpoint(sweep, configHash)));

    public Task PutCheckpointCopyAsync(string sweep, string configHash, int epoch, Stream content, CancellationToken cancellationToken = default) =>
        ReplaceAsync(ResultStoreLayout.CheckpointCopy(sweep, configHash, epoch), content, cancellationToken);

    public Task DeleteCheckpointAsync(string sweep, string configHash, CancellationToken cancellationToken = default)
    {
        File.Delete(FullPath(ResultStoreLayout.Checkpoint(sweep, configHash)));
        return Task.CompletedTask;
    }

    public Task PutSamplesAsync(string sweep, string configHash, int observation, Stream gzippedCsv, CancellationToken cancellationToken = default) =>
        ReplaceAsync(ResultStoreLayout.Samples(sweep, configHash, observation), gzippedCsv, cancellationToken);

    public Task<Stream?> OpenSamplesAsync(string sweep, string configHash, int observation, CancellationToken cancellationToken = default) =>
        Task.FromResult(OpenOrNull(ResultStoreLayout.Samples(sweep, configHash, observation)));

    public Task PutSummaryAsync(string sweep, ReadOnlyMemory<byte> csv, CancellationToken cancellationToken = default) =>
        ReplaceAsync(ResultStoreLayout.Summary(sweep), csv, cancellationToken);

    public Task<byte[]?> GetSummaryAsync(string sweep, CancellationToken cancellationToken = default) =>
        ReadAllOrNullAsync(ResultStoreLayout.Summary(sweep), cancellationToken);

    public Task<bool> DeleteSweepAsync(string sweep, CancellationToken cancellationToken = default)
    {
        var folder = FullPath(ResultStoreLayout.SweepPrefix(sweep));
        if (!Directory.Exists(folder))
            return Task.FromResult(false);
        Directory.Delete(folder, recursive: true);
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<string>> ListSweepsAsync(CancellationToken cancellationToken = default)
    {
        var sweeps = Path.Combine(_root, ResultStoreLayout.SweepsRoot);
        IReadOnlyList<string> names = Directory.Exists(sweeps)
            ? Directory.EnumerateDirectories(sweeps).Select(Path.GetFileName).OfType<string>()
                .Where(ResultStoreLayout.IsValidName).Order(StringComparer.Ordinal).ToList()
            : [];
        return Task.FromResult(names);
    }

    public Task<IReadOnlyList<TrialResultEntry>> ListTrialResultsAsync(string sweep, CancellationToken cancellationToken = default)
    {
        var trials = FullPath(ResultStoreLayout.TrialsPrefix(sweep));
        IReadOnlyList<TrialResultEntry> entries = Directory.Exists(trials)
            ? Directory.EnumerateDirectories(trials).Select(Path.GetFileName).OfType<string>()
                .Where(ResultStoreLayout.IsValidName).Order(StringComparer.Ordinal)
                .Select(hash => new TrialResultEntry(hash, AttemptsIn(Path.Combine(trials, hash), hash)))
                .Where(entry => entry.Attempts.Count > 0).ToList()
            : [];
        return Task.FromResult(entries);
    }

    private static IReadOnlyList<int> AttemptsIn(string trialDirectory, string configHash)
    {
        if (!Directory.Exists(trialDirectory))
        {
            return [];
        }
        var attempts = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories(trialDirectory))
        {
            var relative = $"{configHash}/{Path.GetFileName(directory)}/{ResultStoreLayout.ResultFile}";
            if (ResultStoreLayout.TryParseResultPath(relative, out _, out var attempt)
                && File.Exists(Path.Combine(directory, ResultStoreLayout.ResultFile)))
            {
                attempts.Add(attempt);
            }
        }
        attempts.Sort();
        return attempts;
    }

    private string FullPath(string relative) => Path.Combine(_root, relative.Replace('/', Path.DirectorySeparatorChar));

    private async Task<byte[]?> ReadAllOrNullAsync(string relative, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(FullPath(relative), cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private Stream? OpenOrNull(string relative)
    {
        try
        {
            return new FileStream(FullPath(relative), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private async Task ReplaceAsync(string relative, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var target = FullPath(relative);
        var temp = await WriteTempAsync(target, content, cancellationToken);
        try
        {
            File.Move(temp, target, overwrite: true); // rename is atomic: readers see old or new, whole
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private async Task ReplaceAsync(string relative, Stream content, CancellationToken cancellationToken)
    {
        var target = FullPath(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = TempPathFor(target);
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await content.CopyToAsync(file, cancellationToken);
            }
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static async Task<string> WriteTempAsync(string target, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = TempPathFor(target);
        try
        {
            await using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await file.WriteAsync(content, cancellationToken);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        return temp;
    }

    // Temp files sit beside the target (same file system, so the rename is atomic) with a name no reader lists.
    private static string TempPathFor(string target) => $"{target}.{Guid.NewGuid():N}.tmp";
}
