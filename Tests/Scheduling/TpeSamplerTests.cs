using Xunit.Abstractions;
using Orchestrator.Contracts.Scheduling;
using Orchestrator.Contracts.Specs;
using Orchestrator.Workloads;

namespace Orchestrator.Tests.Scheduling;

/// <summary>TPE against random search on a seeded noisy quadratic, its dimension kinds, and no duplicates among parallel draws.</summary>
public sealed class TpeSamplerTests(ITestOutputHelper output)
{
    private static readonly KeyValuePair<string, SearchDimension>[] Plane =
    [
        new("x", SearchDimension.Uniform(-5, 5)),
        new("y", SearchDimension.Uniform(-5, 5)),
    ];

    // (x − 1.3)² + (y + 0.7)², observed with noise of standard deviation 0.1.
    private static double Quadratic(IReadOnlyDictionary<string, ParamValue> c) =>
        Math.Pow(c["x"].AsDouble() - 1.3, 2) + Math.Pow(c["y"].AsDouble() + 0.7, 2);

    [Fact]
    public void On_a_noisy_quadratic_it_finds_a_better_optimum_than_random_search_with_the_same_trials()
    {
        const int Trials = 40, Seeds = 10;
        double tpe = 0, random = 0;
        for (var seed = 1; seed <= Seeds; seed++)
        {
            tpe += BestTrueValue(new TpeSampler(Plane, seed, startup: 10), seed, Trials);
            random += BestTrueValue(new TpeSampler(Plane, seed, startup: Trials + 1), seed, Trials); // never leaves its startup: random search
        }
        (tpe, random) = (tpe / Seeds, random / Seeds);
        output.WriteLine($"mean true value at the best observed point over {Seeds} seeds, {Trials} trials: TPE {tpe:F4}, random {random:F4}");
        // Averaged over seeds, the true value at the best observed point: TPE at most half of random search's.
        Assert.True(tpe < 0.5 * random, $"TPE {tpe:F4} vs random {random:F4}");
    }

    [Fact]
    public void Parallel_draws_with_running_trials_pending_never_repeat_a_configuration()
    {
        KeyValuePair<string, SearchDimension>[] small =
        [
            new("arch", SearchDimension.ChoiceOf(ParamValue.Of("s"), ParamValue.Of("m"), ParamValue.Of("l"))),
            new("batch", SearchDimension.IntRange(16, 64, 16)),
        ];
        var sampler = new TpeSampler(small, seed: 3, startup: 2);
        var observed = new List<TpeSampler.Observation>();
        var running = new List<IReadOnlyDictionary<string, ParamValue>>();
        for (var draw = 0; draw < 12; draw++)
        {
            var next = sampler.Next(observed, running, draw)!;
            running.Add(next);
            // Two workers: the older of two running trials finishes before the next draw.
            if (running.Count == 2)
            {
                observed.Add(new(running[0], running[0]["batch"].AsDouble() + (running[0]["arch"].AsString() == "m" ? 0 : 10)));
                running.RemoveAt(0);
            }
        }
        var all = observed.Select(o => o.Configuration).Concat(running).Select(c => $"{c["arch"]}/{c["batch"]}").ToList();
        Assert.Equal(12, all.Distinct().Count()); // 3 × 4 configurations, every one once
        Assert.All(all, c => Assert.Matches("^(s|m|l)/(16|32|48|64)$", c));
        Assert.Null(sampler.Next(observed, running, 12)); // the space is used up
    }

    [Fact]
    public void Log_uniform_and_integer_draws_stay_in_range_and_the_same_history_draws_the_same()
    {
        KeyValuePair<string, SearchDimension>[] space = [new("lr", SearchDimension.LogUniform(1e-5, 1e-1)), new("blocks", SearchDimension.IntRange(1, 8))];
        var observed = Enumerable.Range(0, 12).Select(i => new TpeSampler.Observation(new Dictionary<string, ParamValue>
        {
            ["lr"] = ParamValue.Of(Math.Pow(10, -5 + i / 3.0)), ["blocks"] = ParamValue.Of((long)(1 + i % 8)),
        }, Math.Abs(-5 + i / 3.0 + 3))).ToList();
        var sampler = new TpeSampler(space, seed: 9, startup: 5);
        for (var draw = 12; draw < 40; draw++)
        {
            var next = sampler.Next(observed, [], draw)!;
            Assert.InRange(next["lr"].AsDouble(), 1e-5, 1e-1);
            Assert.InRange(next["blocks"].AsInt64(), 1, 8);
            Assert.Equal(ParamKind.Integer, next["blocks"].Kind);
            Assert.Equal(next, new TpeSampler(space, seed: 9, startup: 5).Next(observed, [], draw));
        }
    }

    [Fact]
    public void Stopped_trials_rank_below_every_completed_trial_the_later_stopped_first_then_by_their_loss()
    {
        TpeSampler.Observation At(double x, double loss, int? stoppedAt = null) => new(new Dictionary<string, ParamValue> { ["x"] = ParamValue.Of(x) }, loss, stoppedAt);
        var ranked = TpeSampler.Ranked([At(1, 0.1, stoppedAt: 3), At(2, 9), At(3, double.NaN, stoppedAt: 9), At(4, 0.5, stoppedAt: 9), At(5, 7),
            At(6, double.NaN), At(7, 0.2, stoppedAt: 3)]);

        // Completed by loss (a completed trial without a finite objective is left out), then stopped at epoch 9 (the
        // diverged one last), then at epoch 3.
        Assert.Equal([5.0, 2, 4, 3, 1, 7], ranked.Select(o => o.Configuration["x"].AsDouble()));
    }

    [Fact]
    public void Stopped_trials_steer_the_draws_away_from_their_region_even_with_low_rung_losses()
    {
        // 8 completed trials in [6, 10] with high final losses, 24 stopped ones in [0, 4] with lower rung losses: the good
        // quarter (8 of 32) is the completed ones, so the draws land in [5, 10]. Ranked by raw loss, the stopped trials
        // would be the good ones and the draws would go to [0, 4].
        KeyValuePair<string, SearchDimension>[] line = [new("x", SearchDimension.Uniform(0, 10))];
        var observed = Enumerable.Range(0, 8).Select(i => new TpeSampler.Observation(new Dictionary<string, ParamValue> { ["x"] = ParamValue.Of(6 + i / 2.0) }, 10 + i))
            .Concat(Enumerable.Range(0, 24).Select(i => new TpeSampler.Observation(new Dictionary<string, ParamValue> { ["x"] = ParamValue.Of(i / 6.0) }, 0.01 * i, StoppedAt: 1 + i % 2)))
            .ToList();
        var sampler = new TpeSampler(line, seed: 5, startup: 4);
        var draws = Enumerable.Range(32, 40).Select(draw => sampler.Next(observed, [], draw)!["x"].AsDouble()).ToList();

        Assert.True(draws.Count(x => x >= 5) >= 36, $"draws: {string.Join(", ", draws.Select(x => x.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    private static double BestTrueValue(TpeSampler sampler, int seed, int trials)
    {
        var noise = new Random(seed);
        var observed = new List<TpeSampler.Observation>();
        for (var draw = 0; draw < trials; draw++)
        {
            var next = sampler.Next(observed, [], draw)!;
            var gaussian = Math.Sqrt(-2 * Math.Log(1 - noise.NextDouble())) * Math.Cos(2 * Math.PI * noise.NextDouble());
            observed.Add(new(next, Quadratic(next) + 0.1 * gaussian));
        }
        return Quadratic(observed.MinBy(o => o.Loss)!.Configuration);
    }
}
