using Orchestrator.Contracts.Specs;
using Orchestrator.Training.Workloads;

namespace Orchestrator.Tests.Specs;

/// <summary>A sweep's trials drawn one at a time equal the pinned expansion; a restored source continues where it stopped.</summary>
public class TrialSourceTests
{
    [Theory]
    [MemberData(nameof(ExpansionPinTests.Specs), MemberType = typeof(ExpansionPinTests))]
    public void Drawing_one_at_a_time_gives_the_pinned_trials_and_a_restored_source_continues_identically(
        string name, string body, int count, string digest, string counts)
    {
        _ = counts;
        var spec = ExpansionPinTests.Parse(name, body);
        var source = TrialSources.Create(spec, BuiltInWorkloads.Registry);
        // The total a sweep shows before its trials are drawn: a grid's is exact (its duplicates were never in Planned).
        if (spec.Strategy.Kind == StrategyKind.Grid)
            Assert.Equal(count, source.Expected);
        else
            Assert.InRange(source.Expected, count, source.Planned);
        var trials = Drain(source);
        Assert.Equal(count, source.Expected);
        Assert.Equal((count, digest), (trials.Count, ExpansionPinTests.Digest(trials)));
        Assert.True(source.Exhausted);
        Assert.Equal(count, source.Produced);

        var restored = TrialSources.Create(spec, BuiltInWorkloads.Registry);
        restored.Restore(count / 2);
        Assert.Equal(ExpansionPinTests.Digest(trials.Skip(count / 2)), ExpansionPinTests.Digest(Drain(restored)));
    }

    [Fact]
    public void A_grid_answers_any_index_directly_and_a_million_trial_grid_costs_nothing_to_open()
    {
        var body = """
            search:
              beta: { uniform: [0, 100], count: 1000 }
              lr: { loguniform: [1e-5, 1e-2], count: 100 }
            seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
            """;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var source = TrialSources.Create(ExpansionPinTests.Parse("million", body), BuiltInWorkloads.Registry);
        Assert.Equal(1_000_000, source.Planned);
        var last = source.At(999_999)!;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"opening a 10⁶-trial grid took {clock.Elapsed}");
        Assert.Equal((999_999, 10L, "100", "0.01"), (last.Index, last.Seed, last.Parameters["beta"].ToString(), last.Parameters["lr"].ToString()));
        source.Restore(999_998);
        Assert.Equal(source.At(999_998)!.ConfigHash, source.Next()!.ConfigHash);
        Assert.Equal(last.ConfigHash, source.Next()!.ConfigHash);
        Assert.Null(source.Next());
        Assert.Null(source.At(1_000_000));
    }

    private static List<TrialSpec> Drain(ITrialSource source)
    {
        var trials = new List<TrialSpec>();
        while (source.Next() is { } trial)
        {
            Assert.Equal(trials.Count + source.Produced - 1 - trials.Count, trial.Index);
            if (source.At(trial.Index) is { } direct)
                Assert.Equal(trial.ConfigHash, direct.ConfigHash);
            trials.Add(trial);
        }
        return trials;
    }
}
