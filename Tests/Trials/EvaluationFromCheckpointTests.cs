using System.Text;
using Orchestrator.Tests.Infrastructure;
using Orchestrator.Training.Optimization;
using Orchestrator.Training.Packing;
using Orchestrator.Training.Trials;

namespace Orchestrator.Tests.Trials;

/// <summary>
/// A finished training's checkpoint carries its z-scoring statistics, alone or packed: an evaluation shard reloads it
/// without simulating the training set and scores exactly as the uninterrupted run; a checkpoint written before the
/// statistics were stored still evaluates, by simulating again.
/// </summary>
[Collection(DefaultGeneratorCollection.Name)]
public sealed class EvaluationFromCheckpointTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static TrialConfig Config(long seed = 3, double beta = 25) => new()
    {
        Task = "two_moons",
        Budget = 400,
        Seed = seed,
        Observations = [1, 2],
        PosteriorSamples = 300,
        Training = new TrainingOptions { Epochs = 3, BatchSize = 64, Beta = beta, LearningRate = 1e-3 },
    };

    [Fact]
    public void Evaluation_from_the_final_checkpoint_scores_exactly_as_the_uninterrupted_run_without_simulating()
    {
        var store = Store("alone");
        var straight = TrialRunner.Run(Config(), checkpoints: store, checkpointEvery: 2);

        var (progress, evaluated, summary) = EvaluateFrom(store, Config());

        Assert.Empty(progress.OfType<TrialProgress.Simulated>());
        Assert.Equal(3, Assert.Single(progress.OfType<TrialProgress.Resumed>()).EpochsDone);
        Assert.Equal(0, summary.SimulationSeconds);
        AssertSame(straight, evaluated, summary);
    }

    [Fact]
    public void A_checkpoint_written_before_the_statistics_were_stored_still_evaluates_by_simulating_again()
    {
        var store = Store("old-format");
        var straight = TrialRunner.Run(Config(), checkpoints: store);
        StripStatistics(store.Path);

        var (progress, evaluated, summary) = EvaluateFrom(store, Config());

        Assert.Equal(400, Assert.Single(progress.OfType<TrialProgress.Simulated>()).Pairs);
        Assert.Equal(3, Assert.Single(progress.OfType<TrialProgress.Resumed>()).EpochsDone);
        AssertSame(straight, evaluated, summary);
    }

    [Fact]
    public void A_packed_members_final_checkpoint_carries_the_statistics_too()
    {
        TrialConfig[] configs = [Config(seed: 3, beta: 25), Config(seed: 4, beta: 50)];
        var stores = configs.Select((_, i) => Store($"member-{i}")).ToArray();
        var outcomes = PackedTrialRunner.Train(configs, checkpoints: stores, checkpointEvery: 2);
        try
        {
            for (var i = 0; i < configs.Length; i++)
            {
                var member = outcomes[i].Trained ?? throw new Xunit.Sdk.XunitException($"member {i} failed: {outcomes[i].FailureReason}");
                var straight = TrialRunner.Evaluate(member, configs[i].Observations).Results;

                var (progress, evaluated, summary) = EvaluateFrom(stores[i], configs[i]);

                Assert.Empty(progress.OfType<TrialProgress.Simulated>());
                Assert.Equal(member.Summary.ValidationNll, summary.ValidationNll);
                Assert.Equal(straight.Select(o => o.C2st), evaluated.Select(o => o.C2st));
                Assert.Equal(straight.Select(o => o.Samples.Values), evaluated.Select(o => o.Samples.Values));
            }
        }
        finally
        {
            foreach (var outcome in outcomes)
                outcome.Dispose();
        }
    }

    private FileCheckpointStore Store(string name) => new(Path.Combine(_folder.Path, name, "checkpoint.bin"));

    // What an evaluation shard does: reload the finished training, then sample and score each observation.
    private static (List<TrialProgress> Progress, List<ObservationResult> Evaluated, TrainingSummary Summary) EvaluateFrom(
        ICheckpointStore store, TrialConfig config)
    {
        var progress = new List<TrialProgress>();
        using var trained = TrialRunner.Train(config, progress.Add, store);
        return (progress, TrialRunner.Evaluate(trained, config.Observations).Results, trained.Summary);
    }

    private static void AssertSame(TrialResult straight, List<ObservationResult> evaluated, TrainingSummary summary)
    {
        Assert.Equal(straight.Observations.Select(o => (o.Observation, o.C2st, o.AcceptanceRate)), evaluated.Select(o => (o.Observation, o.C2st, o.AcceptanceRate)));
        Assert.Equal(straight.Observations.Select(o => o.Samples.Values), evaluated.Select(o => o.Samples.Values));
        Assert.Equal(straight.ValidationNll, summary.ValidationNll);
        Assert.Equal(straight.ValidationNllEncoder, summary.ValidationNllEncoder);
        Assert.Equal(straight.ValidationReconstruction, summary.ValidationReconstruction);
        Assert.Equal(straight.History, summary.History);
    }

    // Cuts the checkpoint where its evaluation statistics begin (their tag, as BinaryWriter writes a string): what a
    // checkpoint written before they were stored looks like.
    private static void StripStatistics(string path)
    {
        var bytes = File.ReadAllBytes(path);
        byte[] tag = [8, .. Encoding.UTF8.GetBytes("FFF-EVAL")];
        var at = bytes.AsSpan().LastIndexOf(tag);
        Assert.True(at > 0, "the final checkpoint carries no evaluation statistics");
        File.WriteAllBytes(path, bytes[..at]);
    }

    public void Dispose() => _folder.Dispose();
}
