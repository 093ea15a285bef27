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

    public void Dispose() => _requests.Dispose();
}
