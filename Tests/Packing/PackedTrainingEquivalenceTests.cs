using Orchestrator.Training.Optimization;
using Orchestrator.Training.Packing;
using Orchestrator.Training.Trials;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Packing;

/// <summary>
/// A packed member follows its standalone trial: same initial weights, per-epoch losses and validation NLL, final
/// weights and posterior samples, to float32 tolerance (a batched matrix product sums in another order than a plain one).
/// </summary>
[Collection(DefaultGeneratorCollection.Name)]
public sealed class PackedTrainingEquivalenceTests
{
    // Three trials that differ in everything a pack lets members differ in: seed, budget (so epochs have different
    // numbers of batches and partial last batches), β, learning rate, weight decay and epochs.
    private static readonly TrialConfig[] Trials =
    [
        Trial(seed: 1, budget: 300, beta: 25, lr: 1e-3, weightDecay: 1e-4, epochs: 3),
        Trial(seed: 2, budget: 230, beta: 100, lr: 5e-4, weightDecay: 0, epochs: 3),
        Trial(seed: 3, budget: 300, beta: 10, lr: 2e-3, weightDecay: 1e-3, epochs: 2),
    ];

    private static TrialConfig Trial(long seed, int budget, double beta, double lr, double weightDecay, int epochs) => new()
    {
        Task = "two_moons",
        Budget = budget,
        Seed = seed,
        Observations = [1],
        PosteriorSamples = 200,
        Training = new TrainingOptions { Epochs = epochs, BatchSize = 32, Beta = beta, LearningRate = lr, WeightDecay = weightDecay },
    };

    [Fact]
    public void A_packed_member_trains_and_samples_as_its_standalone_trial()
    {
        var stores = Trials.Select(_ => new MemoryCheckpointStore()).ToArray();
        var packedEpochs = Trials.Select(_ => new List<EpochProgress>()).ToArray();
        var packed = PackedTrialRunner.Train(Trials, (i, p) =>
        {
            if (p is TrialProgress.Epoch e)
                packedEpochs[i].Add(e.Progress);
        }, stores, checkpointEvery: 1);
        try
        {
            for (var i = 0; i < Trials.Length; i++)
            {
                Assert.Null(packed[i].FailureReason);
                using var alone = TrialRunner.Train(Trials[i]);
                var member = packed[i].Trained!;
                Assert.Equal(Trials[i].Training.Epochs, packedEpochs[i].Count);
                foreach (var (a, b) in alone.Summary.History.Zip(packedEpochs[i]))
                {
                    AssertClose(a.TrainLoss, b.TrainLoss, 1e-4, $"trial {i} epoch {a.Epoch} training loss");
                    AssertClose(a.ValidationNll, b.ValidationNll, 1e-4, $"trial {i} epoch {a.Epoch} validation NLL");
                    AssertClose(a.LearningRate, b.LearningRate, 1e-12, $"trial {i} epoch {a.Epoch} learning rate");
                }
                AssertClose(alone.Summary.ValidationNll, member.Summary.ValidationNll, 1e-4, $"trial {i} final validation NLL");
                Assert.True(MaxDifference(alone.Flow.parameters(), member.Flow.parameters()) < 1e-5, $"trial {i}: final weights differ");

                var aloneSamples = TrialRunner.Evaluate(alone, [1]).Results[0].Samples.Values;
                var packedSamples = TrialRunner.Evaluate(member, [1]).Results[0].Samples.Values;
                var sampleDifference = aloneSamples.Zip(packedSamples, (a, b) => Math.Abs(a - b)).Max();
                Assert.True(sampleDifference < 1e-3, $"trial {i}: posterior samples differ by {sampleDifference:G3}");

                // The member's checkpoint is a standalone checkpoint: the standalone runner reloads exactly its weights.
                using var reloaded = TrialRunner.Train(Trials[i], checkpoints: stores[i]);
                Assert.Equal(0, MaxDifference(reloaded.Flow.parameters(), member.Flow.parameters()));
            }
        }
        finally
        {
            foreach (var outcome in packed)
                outcome.Dispose();
        }
    }

    [Fact]
    public void A_diverging_member_fails_alone_and_a_stopped_one_leaves_the_pack()
    {
        // Member 1 gets an absurd learning rate: its weights overflow, its loss turns non-finite, and it fails after
        // three such batches. Member 2 is stopped after its first epoch. Member 0 must not notice either.
        TrialConfig[] trials =
        [
            Trials[0],
            Trials[0] with { Seed = 5, Training = Trials[0].Training with { LearningRate = 1e30, MaxConsecutiveNonFinite = 3 } },
            Trials[0] with { Seed = 6 },
        ];
        var membersAfterEpoch = new List<string>();
        var packed = PackedTrialRunner.Train(trials, (i, p) =>
        {
            if (p is TrialProgress.Epoch e)
                membersAfterEpoch.Add($"{i}:{e.Progress.Epoch}");
        }, stop: i => i == 2);
        try
        {
            Assert.NotNull(packed[0].Trained);
            Assert.Contains("not finite", packed[1].FailureReason);
            Assert.Single(packed[2].Trained!.Summary.History);
            Assert.Equal(["0:1", "2:1", "0:2", "0:3"], membersAfterEpoch);
            using var alone = TrialRunner.Train(trials[0]);
            Assert.True(MaxDifference(alone.Flow.parameters(), packed[0].Trained!.Flow.parameters()) < 1e-5, "the healthy member's weights differ");
        }
        finally
        {
            foreach (var outcome in packed)
                outcome.Dispose();
        }
    }

    private static double MaxDifference(IEnumerable<Tensor> a, IEnumerable<Tensor> b) =>
        a.Zip(b, (x, y) =>
        {
            using var d = (x - y).abs().max();
            return d.ToDouble();
        }).Max();

    private static void AssertClose(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(1, Math.Abs(expected)), $"{what}: {expected} alone vs {actual} packed");

    private sealed class MemoryCheckpointStore : ICheckpointStore
    {
        private byte[]? _latest;

        public Stream? OpenLatest() => _latest is null ? null : new MemoryStream(_latest, writable: false);

        public void Save(Action<Stream> write)
        {
            using var stream = new MemoryStream();
            write(stream);
            _latest = stream.ToArray();
        }
    }
}
