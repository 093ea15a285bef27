using Orchestrator.Tests.Workloads;
using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Grains.Workers;
using Orchestrator.Protocol;

namespace Orchestrator.Tests.TrialHost;

/// <summary>Real trial host children (Orchestrator.TrialHost) running real tiny trainings.</summary>
[Collection(TrialHostCollection.Name)]
public sealed class TrialProcessTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private readonly TrialHostRequests _requests = new();

    [Fact]
    public async Task Train_request_streams_epochs_in_order_and_completes_with_result_json()
    {
        await using var process = new TrialProcess();
        var ready = await process.EnsureStartedAsync();
        var request = _requests.Train("plain", epochs: 3);
        await process.SendAsync(request);
        var events = await ReadUntilTerminalAsync(process, request.RequestId);

        Assert.IsType<Started>(events[0]);
        Assert.Equal([1, 2, 3], events.OfType<Epoch>().Select(e => e.EpochNumber));
        Assert.All(events.OfType<Epoch>(), e => Assert.True(double.IsFinite(e["trainLoss"]) && double.IsFinite(e["valNll"]) && e.Epochs == 3));
        Assert.Equal([1, 2, 3], events.OfType<CheckpointSaved>().Select(e => e.EpochNumber));
        var evaluated = Assert.Single(events.OfType<Evaluated>());
        Assert.True(File.Exists(evaluated.SamplesPath));
        var completed = Assert.IsType<Completed>(events[^1]);
        DeclaredMetrics.AssertDeclared(Orchestrator.Training.Workloads.FffSbi.FffSbiDescriptor.Instance, events);
        var summary = completed.Summary;
        Assert.True(summary["c2st"] is >= 0.4 and <= 1.0, $"mean C2ST {summary["c2st"]}");
        Assert.True(double.IsFinite(summary["valNll"]) && double.IsFinite(summary["valNllEncoder"]) && double.IsFinite(summary["valReconstruction"]));
        Assert.Equal(Orchestrator.Training.Workloads.FffSbi.FffSbiDescriptor.Invertibility(summary["valNll"], summary["valNllEncoder"]),
            (summary["nllGap"], summary["nonInvertible"]));
        Assert.Equal(0, summary.ResumedFromEpoch);
        using var result = JsonDocument.Parse(await File.ReadAllTextAsync(completed.ResultPath));
        Assert.Equal(summary["c2st"], result.RootElement.GetProperty("meanC2st").GetDouble());
        Assert.Equal(ready.Pid, process.ProcessId);

        await process.ShutdownAsync();
        Assert.False(process.IsRunning);
        Assert.False(process.Events.TryRead(out var extra), $"no event after an asked-for shutdown, got {extra}");
    }

    [Fact]
    public async Task Native_abort_is_reported_as_death_and_the_restarted_process_runs_the_next_request()
    {
        await using var process = new TrialProcess();
        var first = await process.EnsureStartedAsync();
        var abort = _requests.Train("abort", fault: TrialHostFaults.NativeAbort);
        await process.SendAsync(abort);
        var died = await ReadUntilDeathAsync(process);

        Assert.Equal(first.Pid, died.Pid);
        Assert.Equal(134, died.ExitCode);
        Assert.Equal("SIGABRT", died.Signal);
        Assert.Contains(died.StderrTail, l => l.Contains("does not require grad", StringComparison.Ordinal));
        Assert.False(process.IsRunning);
        var dead = await Assert.ThrowsAsync<TrialProcessDiedException>(() => process.SendAsync(_requests.Train("late")));
        Assert.Equal(134, dead.Died.ExitCode);

        var second = await process.EnsureStartedAsync();
        Assert.NotEqual(first.Pid, second.Pid);
        var outcome = await new TrialProcessRunner(process).RunAsync(_requests.Train("after-abort"));
        Assert.NotNull(outcome.Completed);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(second.Pid, process.ProcessId);
    }

    [Fact]
    public async Task A_trial_that_aborts_every_time_fails_after_max_attempts_with_the_reason()
    {
        await using var process = new TrialProcess();
        var seen = new List<TrialHostEvent>();
        var outcome = await new TrialProcessRunner(process).RunAsync(_requests.Train("always-aborts", fault: TrialHostFaults.NativeAbort),
            e => { seen.Add(e); return ValueTask.CompletedTask; });

        var failed = Assert.IsType<Failed>(outcome.Terminal);
        Assert.Equal(FailureKinds.HostDied, failed.Kind);
        Assert.Equal(3, outcome.Attempts);
        Assert.Equal(3, outcome.Deaths.Count);
        Assert.Equal(3, outcome.Deaths.Select(d => d.Pid).Distinct().Count());
        Assert.StartsWith("trial host died 3 times: exit code 134 (SIGABRT) — last stderr: ", failed.Reason);
        Assert.Contains("does not require grad", failed.Reason);
        Assert.Equal(3, seen.OfType<Started>().Count());
        Assert.Equal(3, seen.OfType<TrialProcessDied>().Count());
    }

    [Fact]
    public async Task A_managed_failure_is_reported_without_retry_and_the_host_lives_on()
    {
        await using var process = new TrialProcess();
        var runner = new TrialProcessRunner(process);
        var thrown = await runner.RunAsync(_requests.Train("throws", fault: TrialHostFaults.Throw));
        Assert.Equal(FailureKinds.Error, thrown.Failed?.Kind);
        Assert.Equal(1, thrown.Attempts);

        var request = _requests.Train("bad-parameter") with
        {
            Parameters = new Dictionary<string, JsonElement>(TrialHostRequests.Parameters(2)) { ["colour"] = TrialHostJson.Value("blue") },
        };
        var invalid = await runner.RunAsync(request);
        Assert.Equal(FailureKinds.InvalidRequest, invalid.Failed?.Kind);
        Assert.Contains("colour", invalid.Failed!.Reason);
        Assert.Empty(thrown.Deaths.Concat(invalid.Deaths));
        Assert.Equal(1, process.Generation);
        Assert.True(process.IsRunning);
    }

    [Fact]
    public async Task Cancel_mid_training_yields_cancelled_and_the_same_child_runs_the_next_request()
    {
        await using var process = new TrialProcess();
        var runner = new TrialProcessRunner(process);
        using var cancel = new CancellationTokenSource();
        var epochs = new List<Epoch>();
        var outcome = await runner.RunAsync(_requests.Train("long", epochs: 500, checkpointEvery: 1000), e =>
        {
            if (e is Epoch epoch)
            {
                epochs.Add(epoch);
                cancel.Cancel();
            }
            return ValueTask.CompletedTask;
        }, cancel.Token);

        Assert.True(outcome.IsCancelled);
        Assert.Empty(outcome.Deaths);
        Assert.InRange(epochs.Count, 1, 499);
        var pid = process.ProcessId;
        Assert.True(process.IsRunning);
        var next = await runner.RunAsync(_requests.Train("after-cancel", observations: []));
        Assert.NotNull(next.Completed);
        Assert.False(next.Completed.Summary.Metrics.ContainsKey("c2st"), "nothing evaluated: no C2ST");
        Assert.Equal(pid, process.ProcessId);
        Assert.Equal(1, process.Generation);
    }

    public void Dispose() => _requests.Dispose();

    internal static async Task<List<TrialHostEvent>> ReadUntilTerminalAsync(TrialProcess process, string requestId)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var events = new List<TrialHostEvent>();
        await foreach (var e in process.ReadEventsAsync(timeout.Token))
        {
            if (e is TrialProcessDied died)
                Assert.Fail($"The trial host died: {died.ExitDescription}\n{string.Join('\n', died.StderrTail)}");
            if (e.RequestOf != requestId)
                continue;
            events.Add(e);
            if (e.IsTerminal)
                break;
        }
        return events;
    }

    private static async Task<TrialProcessDied> ReadUntilDeathAsync(TrialProcess process)
    {
        using var timeout = new CancellationTokenSource(Patience);
        await foreach (var e in process.ReadEventsAsync(timeout.Token))
        {
            Assert.False(e.IsTerminal, $"expected a death, got {e}");
            if (e is TrialProcessDied died)
                return died;
        }
        throw new UnreachableException();
    }
}
