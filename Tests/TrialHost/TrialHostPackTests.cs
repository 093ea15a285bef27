using Orchestrator.Grains.Workers;
using Orchestrator.Protocol;

namespace Orchestrator.Tests.TrialHost;

/// <summary>A TrainPack request in a real trial-host child: members report and end under their own request ids.</summary>
[Collection(TrialHostCollection.Name)]
public sealed class TrialHostPackTests : IDisposable
{
    private readonly TrialHostRequests _requests = new();

    [Fact]
    public async Task A_pack_reports_per_member_and_a_diverging_member_fails_alone()
    {
        var good = _requests.Train("good", epochs: 2);
        var bad = _requests.Train("bad", epochs: 2) with
        {
            Parameters = new Dictionary<string, System.Text.Json.JsonElement>(TrialHostRequests.Parameters(2)) { ["lr"] = TrialHostJson.Value(1e30) },
        };
        await using var process = new TrialProcess();
        await process.EnsureStartedAsync();
        await process.SendAsync(new TrainPackRequest("pack-1", [good, bad]));
        var events = new List<TrialHostEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await foreach (var e in process.ReadEventsAsync(timeout.Token))
        {
            events.Add(e);
            if (events.Count(x => x.IsTerminal) == 2)
                break;
        }

        var completed = Assert.Single(events.OfType<Completed>());
        Assert.Equal(good.RequestId, completed.RequestId);
        Assert.True(File.Exists(completed.ResultPath));
        var failed = Assert.Single(events.OfType<Failed>());
        Assert.Equal(bad.RequestId, failed.RequestId);
        Assert.Equal(FailureKinds.TrainingFailed, failed.Kind);
        Assert.Equal([1, 2], events.OfType<Epoch>().Where(e => e.RequestId == good.RequestId).Select(e => e.EpochNumber));
        Assert.Equal(2, events.OfType<CheckpointSaved>().Count(e => e.RequestId == good.RequestId));
        Assert.Equal(2, events.OfType<Started>().Count());

        // The packed member's result is the standalone trial's (same request alone in the same host).
        var alone = await new TrialProcessRunner(process).RunAsync(_requests.Train("alone", epochs: 2));
        var a = alone.Completed!.Summary;
        Assert.True(Math.Abs(a["valNll"] - completed.Summary["valNll"]) < 1e-4 * Math.Max(1, Math.Abs(a["valNll"])),
            $"validation NLL {a["valNll"]} alone vs {completed.Summary["valNll"]} packed");
    }

    [Fact]
    public async Task A_cancelled_member_stops_alone_with_a_checkpoint_and_resumes_alone_to_its_standalone_result()
    {
        var stay = _requests.Train("stay", epochs: 3);
        // Epochs of a few milliseconds here: the stopped member gets many, so the cancel after its first reported epoch
        // always reaches the host long before it could finish (on a fast machine 3 epochs ended before the cancel did).
        const int stopEpochsPlanned = 100;
        var stop = _requests.Train("stop", epochs: stopEpochsPlanned) with { Seed = 2 };
        await using var process = new TrialProcess();
        // The worker's side of a pack: each member joins with its own handler and lease token, one TrainPack request runs both.
        var pack = new PackExecution(process, "pack-2", 2, TimeSpan.FromMinutes(2));
        using var lease = new CancellationTokenSource();
        var stopEpochs = new List<int>();
        var stayOutcome = pack.Member(0)(stay, _ => ValueTask.CompletedTask, CancellationToken.None);
        var stopOutcome = pack.Member(1)(stop, e =>
        {
            if (e is Epoch epoch)
            {
                stopEpochs.Add(epoch.EpochNumber);
                lease.Cancel(); // its lease ended (an early-stopping decision): this member alone is cancelled
            }
            return ValueTask.CompletedTask;
        }, lease.Token);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await pack.RunAsync().WaitAsync(timeout.Token);

        var stayed = Assert.IsType<Completed>((await stayOutcome).Terminal);
        Assert.IsType<Cancelled>((await stopOutcome).Terminal);
        // It checkpointed where it stopped (its last reported epoch), whenever the cancel arrived.
        Assert.NotEmpty(stopEpochs);
        var resumed = new List<TrialHostEvent>();
        var rest = await new TrialProcessRunner(process).RunAsync(stop, e =>
        {
            resumed.Add(e);
            return ValueTask.CompletedTask;
        }, timeout.Token);
        // The host checks for Cancel between epochs: it may finish (and checkpoint locally) epochs after the last one the
        // worker saw before the cancel reached it — never stored by a worker, since they arrive after the lease ended —
        // but never fewer than the reported ones, and it stopped early.
        var resumedFrom = Assert.Single(resumed.OfType<Resumed>()).EpochsDone;
        Assert.InRange(resumedFrom, stopEpochs[^1], stopEpochsPlanned - 1);
        // Masking disturbed neither: the member that went on, and the stopped one resumed alone, end as they do alone.
        var stayAlone = await new TrialProcessRunner(process).RunAsync(_requests.Train("stay-alone", epochs: 3), cancellation: timeout.Token);
        var stopAlone = await new TrialProcessRunner(process).RunAsync(_requests.Train("stop-alone", epochs: stopEpochsPlanned) with { Seed = 2 }, cancellation: timeout.Token);
        AssertSameNll(stayAlone.Completed!.Summary["valNll"], stayed.Summary["valNll"]);
        AssertSameNll(stopAlone.Completed!.Summary["valNll"], rest.Completed!.Summary["valNll"]);
    }

    private static void AssertSameNll(double alone, double packed) =>
        Assert.True(Math.Abs(alone - packed) < 1e-5 * Math.Max(1, Math.Abs(alone)), $"validation NLL {alone} alone vs {packed} packed");

    public void Dispose() => _requests.Dispose();
}
