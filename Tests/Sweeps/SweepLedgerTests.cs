using Orchestrator.Workloads;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Sweeps;

namespace Orchestrator.Tests.Sweeps;

/// <summary>
/// The sweep's incremental aggregates (counts, per-group mean ± SEM, best so far) equal a from-scratch recomputation
/// over the trials' final results, whatever order the transitions of different trials arrive in, with retries,
/// resumes, evaluation shards, late duplicates and stale reports; a ledger read back from its lines is the same.
/// </summary>
public class SweepLedgerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Incremental_aggregates_equal_a_recomputation_over_random_completion_orders(int seed)
    {
        var random = new Random(seed);
        var (entries, truth) = History(random, trials: random.Next(1, 120), seeds: random.Next(1, 5));
        var minimize = seed % 2 == 1; // odd seeds rank lowest first, even seeds highest first
        var ledger = new SweepLedger(minimize);
        foreach (var entry in entries)
            ledger.Apply(entry);

        AssertMatches(truth, ledger, minimize);
        var reloaded = new SweepLedger(minimize);
        foreach (var line in entries.Select(e => e.ToLine()))
            reloaded.Apply(LedgerEntry.Parse(line));
        AssertMatches(truth, reloaded, minimize);
    }

    [Fact]
    public void Pages_by_objective_and_in_start_order_cover_every_trial_once()
    {
        var (entries, truth) = History(new Random(42), trials: 500, seeds: 3);
        var ledger = new SweepLedger();
        foreach (var entry in entries)
            ledger.Apply(entry);

        var ranked = new List<LedgerTrial>();
        for (var skip = 0; skip < truth.Count; skip += 37)
            ranked.AddRange(ledger.Query(new ResultsQuery(37, skip), 37).Rows);
        Assert.Equal(truth.Count, ranked.Select(r => r.Index).Distinct().Count());
        var scored = ranked.TakeWhile(r => double.IsFinite(r.Objective)).Select(r => r.Objective).ToList();
        Assert.Equal(scored.Order().ToList(), scored);
        Assert.Equal(truth.Values.Count(t => t.Status == TrialStatus.Completed && double.IsFinite(t.Objective)), scored.Count);

        var started = new List<LedgerTrial>();
        for (long? after = 0; after is { } position;)
        {
            var (rows, _, next) = ledger.Query(new ResultsQuery(50, position, TrialStatus.Failed, Order: ResultsOrder.Start), 50);
            started.AddRange(rows);
            after = next;
        }
        Assert.Equal(truth.Where(t => t.Value.Status == TrialStatus.Failed).Select(t => t.Key).Order(), started.Select(r => r.Index).Order());
    }

    [Fact]
    public void Lines_of_the_first_ledger_format_read_c2st_else_the_nll_as_the_objective()
    {
        Assert.Equal(0.61, LedgerEntry.Parse("3,00000000000000ab,00000000000000cd,3,1,0.61,-2.5").Objective);
        Assert.Equal(-2.5, LedgerEntry.Parse("3,00000000000000ab,00000000000000cd,3,1,,-2.5").Objective);
        var entry = new LedgerEntry(3, "00000000000000ab", "00000000000000cd", TrialStatus.Completed, 1, 0.61);
        Assert.Equal("3,00000000000000ab,00000000000000cd,3,1,0.61", entry.ToLine());
        Assert.Equal(entry, LedgerEntry.Parse(entry.ToLine()));
    }

    private static void AssertMatches(Dictionary<long, Final> truth, SweepLedger ledger, bool minimize)
    {
        foreach (var status in Enum.GetValues<TrialStatus>())
            Assert.Equal(truth.Values.Count(t => t.Status == status), ledger.Count(status));
        var rows = truth.Select(t => new TrialRow(Hash(t.Key), t.Value.Group, 0, t.Value.Status, t.Value.Attempt, t.Value.Objective,
            new Dictionary<string, double>(), null, new Dictionary<string, ParamValue>())).ToList();
        var expected = SweepAggregation.Groups(rows).Where(g => g.Completed > 0).ToDictionary(g => g.GroupHash);
        var actual = ledger.TopGroups(0, int.MaxValue);
        Assert.Equal(expected.Keys.Order(), actual.Select(g => g.GroupHash).Order());
        foreach (var group in actual)
        {
            var want = expected[group.GroupHash];
            Assert.Equal(want.Completed, group.Completed);
            Close(want.Mean, group.Mean);
            Close(want.Sem, group.Sem);
        }
        var best = truth.Where(t => t.Value.Status == TrialStatus.Completed && double.IsFinite(t.Value.Objective))
            .OrderBy(t => minimize ? t.Value.Objective : -t.Value.Objective).ThenBy(t => t.Key).Select(t => (long?)t.Key).FirstOrDefault();
        Assert.Equal(best is null ? null : truth[best.Value].Objective, ledger.Best?.Objective);
        foreach (var (index, final) in truth)
        {
            var trial = ledger.Find(index)!;
            Assert.Equal((final.Status, final.Attempt), (trial.Status, trial.Attempt));
        }
    }

    private static void Close(double expected, double actual)
    {
        if (double.IsNaN(expected))
            Assert.True(double.IsNaN(actual), $"expected NaN, got {actual}");
        else
            Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");
    }

    private sealed record Final(string Group, TrialStatus Status, int Attempt, double Objective);

    /// <summary>Each trial's transitions in its own order (with late duplicates and stale reports), trials interleaved at random.</summary>
    private static (List<LedgerEntry> Entries, Dictionary<long, Final> Truth) History(Random random, int trials, int seeds)
    {
        var perTrial = new List<Queue<LedgerEntry>>();
        var truth = new Dictionary<long, Final>();
        for (var index = 0L; index < trials; index++)
        {
            var (hash, group) = (Hash(index), $"{1_000_000 + index / seeds:x16}");
            var events = new List<LedgerEntry>();
            Final? final = null;
            for (var attempt = 1; final is null; attempt++)
            {
                events.Add(new LedgerEntry(index, hash, group, TrialStatus.Running, attempt));
                var roll = random.NextDouble();
                if (roll < 0.15 && attempt < 4)
                    continue; // lost or retried: the next attempt starts
                if (roll < 0.3)
                {
                    var ended = random.Next(2) == 0 ? TrialStatus.Failed : TrialStatus.Cancelled;
                    events.Add(new LedgerEntry(index, hash, group, ended, attempt));
                    if (random.Next(3) > 0 && attempt < 4)
                    {
                        events.Add(new LedgerEntry(index, hash, group, TrialStatus.Pending, attempt)); // resumed
                        continue;
                    }
                    final = new Final(group, ended, attempt, double.NaN);
                }
                else if (roll < 0.4)
                {
                    final = new Final(group, TrialStatus.Running, attempt, double.NaN);
                }
                else
                {
                    var objective = random.Next(6) == 0 ? double.NaN : random.NextDouble() * 10 - 3;
                    if (random.Next(3) == 0)
                        events.Add(new LedgerEntry(index, hash, group, TrialStatus.Evaluating, attempt));
                    events.Add(new LedgerEntry(index, hash, group, TrialStatus.Completed, attempt, objective));
                    // Late duplicates: the same completion again with another number, a stale attempt's reports.
                    if (random.Next(2) == 0)
                        events.Add(new LedgerEntry(index, hash, group, TrialStatus.Completed, attempt, 99));
                    if (attempt > 1 && random.Next(2) == 0)
                        events.Add(new LedgerEntry(index, hash, group, TrialStatus.Failed, attempt - 1));
                    final = new Final(group, TrialStatus.Completed, attempt, objective);
                }
            }
            perTrial.Add(new Queue<LedgerEntry>(events));
            truth[index] = final;
        }
        var entries = new List<LedgerEntry>();
        var open = perTrial.Where(q => q.Count > 0).ToList();
        // Started lines come in index order (the source's cursor); everything after interleaves at random.
        foreach (var queue in open)
            entries.Add(queue.Dequeue());
        while ((open = open.Where(q => q.Count > 0).ToList()).Count > 0)
            entries.Add(open[random.Next(open.Count)].Dequeue());
        return (entries, truth);
    }

    private static string Hash(long index) => $"{index + 4096:x16}";
}
