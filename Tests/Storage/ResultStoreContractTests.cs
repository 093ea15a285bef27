using System.IO.Compression;
using System.Text;
using Orchestrator.Contracts.Storage;
using Orchestrator.Grains.Storage;
using Orchestrator.Tests.Infrastructure;

namespace Orchestrator.Tests.Storage;

/// <summary>One contract, two stores: every case runs against Azurite blobs and a local folder.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ResultStoreContractTests(AzuriteFixture azurite) : IDisposable
{
    private readonly List<string> _folders = [];

    public static TheoryData<string> Stores() => new("blob", "local");

    private IResultStore NewStore(string kind)
    {
        if (kind == "blob")
        {
            return new BlobResultStore(azurite.Container(AzuriteFixture.NewContainerName("results")));
        }
        var folder = Directory.CreateTempSubdirectory("results-").FullName;
        _folders.Add(folder);
        return new LocalDirectoryResultStore(folder);
    }

    public void Dispose()
    {
        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static async Task<byte[]> ReadAll(Stream stream)
    {
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Result_is_write_once_first_writer_wins(string kind)
    {
        var store = NewStore(kind);
        Assert.True(await store.TryPutResultAsync("sweep1", "abc123", 0, Bytes("first")));
        Assert.False(await store.TryPutResultAsync("sweep1", "abc123", 0, Bytes("second")));
        Assert.Equal("first", Encoding.UTF8.GetString((await store.GetResultAsync("sweep1", "abc123", 0))!));

        // Concurrent duplicates of a new attempt: exactly one wins.
        var wins = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => store.TryPutResultAsync("sweep1", "abc123", 1, Bytes($"w{i}"))));
        Assert.Single(wins, won => won);
        Assert.Null(await store.GetResultAsync("sweep1", "abc123", 2));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Latest_result_is_the_highest_attempt(string kind)
    {
        var store = NewStore(kind);
        Assert.Null(await store.GetLatestResultAsync("s", "h"));
        Assert.Empty(await store.ListAttemptsAsync("s", "h"));
        foreach (var attempt in new[] { 2, 0, 10 })
        {
            Assert.True(await store.TryPutResultAsync("s", "h", attempt, Bytes($"a{attempt}")));
        }
        Assert.Equal([0, 2, 10], await store.ListAttemptsAsync("s", "h"));
        var latest = await store.GetLatestResultAsync("s", "h");
        Assert.NotNull(latest);
        Assert.Equal(10, latest.Attempt);
        Assert.Equal("a10", Encoding.UTF8.GetString(latest.Content));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Ledger_segments_read_back_in_order(string kind)
    {
        var store = NewStore(kind);
        Assert.Empty(await store.ReadLedgerAsync("s").ToListAsync());
        await store.AppendLedgerAsync("s", 0, ["a", "b"]);
        await store.AppendLedgerAsync("s", 10, ["e"]);
        await store.AppendLedgerAsync("s", 2, ["c"]);
        await store.AppendLedgerAsync("s", 2, ["d"]);
        await store.AppendLedgerAsync("other", 0, ["x"]);

        Assert.Equal([(0, "a"), (0, "b"), (2, "c"), (2, "d"), (10, "e")], await store.ReadLedgerAsync("s").ToListAsync());
        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendLedgerAsync("s", 0, ["two\nlines"]));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task State_records_read_back_by_their_offset_and_go_with_the_sweep(string kind)
    {
        var store = NewStore(kind);
        var first = await store.AppendStatesAsync("s", 0, "first\nsecond\n"u8.ToArray());
        var third = await store.AppendStatesAsync("s", 0, "third\n"u8.ToArray());
        var other = await store.AppendStatesAsync("s", 1, "segment one"u8.ToArray());

        Assert.Equal((0L, 13L, 0L), (first, third, other)); // each append answers where its payload starts
        Assert.Equal("second", Encoding.UTF8.GetString(await store.ReadStateAsync("s", 0, first + 6, 6)));
        Assert.Equal("third", Encoding.UTF8.GetString(await store.ReadStateAsync("s", 0, third, 5)));
        Assert.Equal("one", Encoding.UTF8.GetString(await store.ReadStateAsync("s", 1, 8, 3)));
        Assert.True(await store.DeleteSweepAsync("s"));
        Assert.Empty(await store.ListSweepsAsync());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Metrics_appends_keep_order(string kind)
    {
        var store = NewStore(kind);
        Assert.Empty(await store.ReadMetricsAsync("s", "h"));
        await store.AppendMetricsAsync("s", "h", ["{\"epoch\":0}", "{\"epoch\":1}"]);
        await store.AppendMetricsAsync("s", "h", []);
        for (var epoch = 2; epoch < 6; epoch++)
        {
            await store.AppendMetricsAsync("s", "h", [$"{{\"epoch\":{epoch}}}"]);
        }
        Assert.Equal(Enumerable.Range(0, 6).Select(e => $"{{\"epoch\":{e}}}"), await store.ReadMetricsAsync("s", "h"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendMetricsAsync("s", "h", ["two\nlines"]));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Checkpoint_overwrite_returns_latest_and_missing_is_null(string kind)
    {
        var store = NewStore(kind);
        Assert.Null(await store.OpenCheckpointAsync("s", "h"));
        await store.PutCheckpointAsync("s", "h", new MemoryStream(new byte[] { 1, 2, 3, 4 }));
        await store.PutCheckpointAsync("s", "h", new MemoryStream(new byte[] { 9, 8 }));
        var stream = await store.OpenCheckpointAsync("s", "h");
        Assert.NotNull(stream);
        Assert.Equal(new byte[] { 9, 8 }, await ReadAll(stream));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Spec_summary_and_samples_overwrite(string kind)
    {
        var store = NewStore(kind);
        Assert.Null(await store.GetSpecAsync("s"));
        Assert.Null(await store.GetSummaryAsync("s"));
        Assert.Null(await store.OpenSamplesAsync("s", "h", 1));
        await store.PutSpecAsync("s", Bytes("{\"v\":1}"));
        await store.PutSummaryAsync("s", Bytes("a,b\n1,2\n"));
        await store.PutSummaryAsync("s", Bytes("a,b\n3,4\n"));
        Assert.Equal("{\"v\":1}", Encoding.UTF8.GetString((await store.GetSpecAsync("s"))!));
        Assert.Equal("a,b\n3,4\n", Encoding.UTF8.GetString((await store.GetSummaryAsync("s"))!));

        using var gz = new MemoryStream();
        await using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            await zip.WriteAsync(Bytes("parameter_1\n0.5\n"));
        }
        gz.Position = 0;
        await store.PutSamplesAsync("s", "h", 1, gz);
        var samples = await ReadAll((await store.OpenSamplesAsync("s", "h", 1))!);
        await using var unzip = new GZipStream(new MemoryStream(samples), CompressionMode.Decompress);
        Assert.Equal("parameter_1\n0.5\n", Encoding.UTF8.GetString(await ReadAll(unzip)));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Listing_finds_sweeps_and_trials_with_results(string kind)
    {
        var store = NewStore(kind);
        Assert.Empty(await store.ListSweepsAsync());
        await store.PutSpecAsync("beta", Bytes("{}"));
        await store.TryPutResultAsync("alpha", "h2", 0, Bytes("x"));
        await store.TryPutResultAsync("alpha", "h1", 0, Bytes("x"));
        await store.TryPutResultAsync("alpha", "h1", 1, Bytes("y"));
        await store.AppendMetricsAsync("alpha", "h3", ["{}"]); // metrics only: no result yet
        await store.PutCheckpointAsync("alpha", "h3", new MemoryStream([1]));

        Assert.Equal(["alpha", "beta"], await store.ListSweepsAsync());
        var trials = await store.ListTrialResultsAsync("alpha");
        Assert.Equal(["h1", "h2"], trials.Select(t => t.ConfigHash));
        Assert.Equal([0, 1], trials[0].Attempts);
        Assert.Equal(1, trials[0].LatestAttempt);
        Assert.Empty(await store.ListTrialResultsAsync("beta"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Deleting_a_sweep_removes_everything_it_stored_and_no_other_sweep(string kind)
    {
        var store = NewStore(kind);
        foreach (var sweep in new[] { "alpha", "alpha2" })
        {
            await store.PutSpecAsync(sweep, Bytes("{}"));
            await store.PutSummaryAsync(sweep, Bytes("csv"));
            await store.TryPutResultAsync(sweep, "h1", 1, Bytes("x"));
            await store.AppendMetricsAsync(sweep, "h1", ["{}"]);
            await store.PutCheckpointAsync(sweep, "h1", new MemoryStream([1]));
            await store.PutSamplesAsync(sweep, "h1", 1, new MemoryStream([2]));
        }

        Assert.True(await store.DeleteSweepAsync("alpha"));

        Assert.Equal(["alpha2"], await store.ListSweepsAsync());
        Assert.Null(await store.GetSpecAsync("alpha"));
        Assert.Empty(await store.ListTrialResultsAsync("alpha"));
        Assert.Empty(await store.ReadMetricsAsync("alpha", "h1"));
        Assert.Null(await store.OpenCheckpointAsync("alpha", "h1"));
        Assert.NotNull(await store.GetResultAsync("alpha2", "h1", 1));
        Assert.Single(await store.ReadMetricsAsync("alpha2", "h1"));
        Assert.False(await store.DeleteSweepAsync("alpha"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Unsafe_names_are_refused(string kind)
    {
        var store = NewStore(kind);
        foreach (var bad in new[] { "", "../x", "a/b", "a..b", "-lead", "sp ace", "ü" })
        {
            await Assert.ThrowsAsync<ArgumentException>(() => store.PutSpecAsync(bad, Bytes("{}")));
            await Assert.ThrowsAsync<ArgumentException>(() => store.TryPutResultAsync("ok", bad, 0, Bytes("{}")));
        }
    }
}
