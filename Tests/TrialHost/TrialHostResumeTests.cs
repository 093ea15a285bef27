using System.Diagnostics;
using Orchestrator.Grains.Workers;
using Orchestrator.Protocol;

namespace Orchestrator.Tests.TrialHost;

/// <summary>Checkpoints across child deaths and evaluation from a finished checkpoint, with real trainings.</summary>
[Collection(TrialHostCollection.Name)]
public sealed class TrialHostResumeTests : IDisposable
{
    private const int Epochs = 20;
    private readonly TrialHostRequests _requests = new();

    [Fact]
    public async Task A_child_killed_after_a_checkpoint_resumes_on_retry_and_equals_an_uninterrupted_run()
    {
        await using var process = new TrialProcess();
        var runner = new TrialProcessRunner(process);
        var straight = await runner.RunAsync(_requests.Train("straight", epochs: Epochs));
        Assert.NotNull(straight.Completed);

        var seen = new List<TrialHostEvent>();
        var killed = false;
        var interrupted = await runner.RunAsync(_requests.Train("interrupted", epochs: Epochs), e =>
        {
            seen.Add(e);
            if (e is CheckpointSaved && !killed)
            {
                killed = true;
                using var child = Process.GetProcessById(process.ProcessId!.Value);
                child.Kill(); // SIGKILL: no managed code runs in the child any more
            }
            return ValueTask.CompletedTask;
        });

        var completed = interrupted.Completed ?? throw new Xunit.Sdk.XunitException($"not completed: {interrupted.Terminal}");
        Assert.Equal(2, interrupted.Attempts);
        var death = Assert.Single(interrupted.Deaths);
        Assert.Equal(137, death.ExitCode);
        Assert.Equal("SIGKILL", death.Signal);
        var resumed = Assert.Single(seen.OfType<Resumed>());
        Assert.InRange(resumed.EpochsDone, 1, Epochs - 1);
        Assert.Equal(resumed.EpochsDone, completed.Summary.ResumedFromEpoch);
        Assert.Equal(Enumerable.Range(resumed.EpochsDone + 1, Epochs - resumed.EpochsDone),
            seen.SkipWhile(e => e is not Resumed).OfType<Epoch>().Select(e => e.EpochNumber));

        var a = straight.Completed.Summary;
        var b = completed.Summary;
        Assert.Equal(a["valNll"], b["valNll"]);
        Assert.Equal(a["valNllEncoder"], b["valNllEncoder"]);
        Assert.Equal(a["valReconstruction"], b["valReconstruction"]);
        Assert.Equal(a["c2st"], b["c2st"]);
        Assert.Equal(a.Metrics, b.Metrics);
        Assert.Equal(a.Observations.Select(o => (o.Score, o.Acceptance)), b.Observations.Select(o => (o.Score, o.Acceptance)));
    }

    [Fact]
    public async Task Evaluate_from_the_finished_checkpoint_gives_the_c2st_of_the_evaluation_after_training()
    {
        await using var process = new TrialProcess();
        var runner = new TrialProcessRunner(process);
        var trained = await runner.RunAsync(_requests.Train("trained", epochs: 2, observations: [1, 2]));
        Assert.NotNull(trained.Completed);

        var evaluated = await runner.RunAsync(_requests.Evaluate("trained", "shard", epochs: 2, observations: [2]));

        var shard = evaluated.Completed ?? throw new Xunit.Sdk.XunitException($"not completed: {evaluated.Terminal}");
        var score = Assert.Single(shard.Summary.Observations);
        Assert.Equal(2, score.Observation);
        Assert.Equal(trained.Completed.Summary.Observations.Single(o => o.Observation == 2).Score, score.Score);
        Assert.Equal(trained.Completed.Summary["valNll"], shard.Summary["valNll"]);
        Assert.Equal(0, shard.Summary.Timings.SimulationSeconds); // reloaded with the checkpoint's z-scoring statistics, not re-simulated
        Assert.True(File.Exists(score.SamplesPath) && File.Exists(shard.ResultPath));

        var unfinished = await runner.RunAsync(_requests.Evaluate("trained", "wrong-epochs", epochs: 5, observations: [1]));
        Assert.Equal(FailureKinds.InvalidRequest, unfinished.Failed?.Kind);
        Assert.Contains("not finished", unfinished.Failed!.Reason);
    }

    public void Dispose() => _requests.Dispose();
}
