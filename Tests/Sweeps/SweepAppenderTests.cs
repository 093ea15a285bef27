using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Storage;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Hosting;
using Orchestrator.Grains.Storage;
using Orchestrator.Grains.Sweeps;
using Orchestrator.Grains.Telemetry;
using Orchestrator.Tests.Infrastructure;
using Orleans.Serialization;

namespace Orchestrator.Tests.Sweeps;

/// <summary>
/// The sweep's appender on a real local store: lines land in queue order whatever the grouping, each transition's ledger
/// line names the record its state was written to (read back equal), entries are folded in before their caller's task
/// completes, and a failed append fails its callers while its lines go first in the next append (never after later ones).
/// </summary>
public sealed class SweepAppenderTests
{
    [Fact]
    public async Task Lines_land_in_queue_order_and_name_records_that_read_back_equal()
    {
        using var folder = new TempFolder();
        using var services = Services();
        var store = new LocalDirectoryResultStore(folder.Path);
        var codec = services.GetRequiredService<Serializer<TrialState>>();
        var applied = new List<LedgerEntry>();
        var appender = new SweepAppender(store, "s", codec, Metrics(services), applied.AddRange);
        var states = Enumerable.Range(1, 3).Select(i => new TrialState { Status = TrialStatus.Running, Attempt = i, Worker = $"w{i}" }).ToList();

        // Queued back to back: the first append is in flight (or done) while the rest queue behind it.
        var first = appender.AppendAsync([new LedgerWrite(Entry(0, TrialStatus.Running), states[0])]);
        var second = appender.AppendAsync([new LedgerWrite(null, null, "p,aaaa"), new LedgerWrite(Entry(1, TrialStatus.Running), states[1])]);
        var third = appender.AppendAsync([new LedgerWrite(Entry(0, TrialStatus.Completed) with { Objective = 0.5 }, states[2]), new LedgerWrite(Entry(2, TrialStatus.Cancelled))]);
        await Task.WhenAll(first, second, third);

        var lines = await store.ReadLedgerAsync("s").Select(l => l.Line).ToListAsync();
        Assert.Equal("p,aaaa", lines[1]);
        var entries = lines.Where(l => !l.StartsWith("p,", StringComparison.Ordinal)).Select(LedgerEntry.Parse).ToList();
        Assert.Equal([(0L, TrialStatus.Running), (1L, TrialStatus.Running), (0L, TrialStatus.Completed), (2L, TrialStatus.Cancelled)],
            entries.Select(e => (e.Index, e.Status)));
        Assert.Equal(entries, applied); // folded in, in the same order, with the records they name
        Assert.Null(entries[3].State); // a line without a state names no record
        foreach (var (entry, state) in entries.Take(3).Zip(states))
        {
            var at = entry.State!.Value;
            var read = codec.Deserialize(await store.ReadStateAsync("s", at.Segment, at.Offset, at.Length));
            Assert.Equal((state.Attempt, state.Worker, state.Status), (read!.Attempt, read.Worker, read.Status));
        }
    }

    [Fact]
    public async Task A_failed_append_fails_its_callers_and_its_lines_go_first_in_the_next_one()
    {
        using var folder = new TempFolder();
        using var services = Services();
        var store = new LocalDirectoryResultStore(folder.Path);
        var applied = new List<LedgerEntry>();
        var appender = new SweepAppender(store, "s", services.GetRequiredService<Serializer<TrialState>>(), Metrics(services), applied.AddRange);
        // A folder where the state log's first segment goes: its append fails as a full disk or a lost mount would.
        var blocked = Path.Combine(folder.Path, ResultStoreLayout.States("s", 0));
        Directory.CreateDirectory(blocked);

        var failed = appender.AppendAsync([new LedgerWrite(Entry(0, TrialStatus.Running), new TrialState { Attempt = 1 })]);
        await Assert.ThrowsAnyAsync<Exception>(() => failed);
        Assert.Empty(applied);
        Assert.Empty(await store.ReadLedgerAsync("s").ToListAsync()); // the ledger line (the commit) was never written
        var alsoFailed = appender.AppendAsync([new LedgerWrite(Entry(1, TrialStatus.Running), new TrialState { Attempt = 1 })]);
        await Assert.ThrowsAnyAsync<Exception>(() => alsoFailed); // nothing after a failed line is appended before it
        Assert.Empty(await store.ReadLedgerAsync("s").ToListAsync());

        Directory.Delete(blocked);
        await appender.AppendAsync([new LedgerWrite(Entry(2, TrialStatus.Running), new TrialState { Attempt = 1 })]);
        var lines = await store.ReadLedgerAsync("s").Select(l => LedgerEntry.Parse(l.Line)).ToListAsync();
        Assert.Equal([0L, 1L, 2L], lines.Select(e => e.Index)); // the failed lines first, in order
        Assert.Equal(lines, applied);
        Assert.All(lines, e => Assert.NotNull(e.State));
    }

    private static LedgerEntry Entry(long index, TrialStatus status) => new(index, $"{index + 10:x16}", "00000000000000aa", status, 1);

    private static ServiceProvider Services() => new ServiceCollection().AddMetrics()
        .AddSerializer(builder => builder.AddAssembly(typeof(TrialState).Assembly).AddAssembly(typeof(TrialSpec).Assembly)).BuildServiceProvider();

    private static OrchestratorMetrics Metrics(IServiceProvider services) =>
        new(services.GetRequiredService<IMeterFactory>(), new OrchestratorOptions { SiloName = "appender" });
}
