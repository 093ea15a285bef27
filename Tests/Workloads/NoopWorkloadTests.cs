using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Protocol;
using Orchestrator.Training.Workloads;
using Orchestrator.Training.Workloads.Noop;
using Orchestrator.TrialHost;

namespace Orchestrator.Tests.Workloads;

/// <summary>The hidden no-op workload that measures the orchestrator: the trial host runs it, user silos do not accept it.</summary>
public sealed class NoopWorkloadTests
{
    [Fact]
    public void It_is_hidden_from_user_silos_but_runs_in_the_trial_host()
    {
        Assert.DoesNotContain(NoopWorkload.Name, BuiltInWorkloads.Registry.Names);
        Assert.Contains(NoopWorkload.Name, BuiltInWorkloads.WithHidden.Names);
        Assert.True(WorkloadAssemblies.TryLoad([], out var workloads, out var problem), problem);
        Assert.IsType<NoopWorkload>(workloads[NoopWorkload.Name]);
    }

    [Fact]
    public void A_trial_reports_its_fixed_value_and_a_result_file()
    {
        var output = Directory.CreateTempSubdirectory("orchestrator-test-work-noop-").FullName;
        try
        {
            var completed = new NoopWorkload().Train(Request(output, n: 41, sleep: 0), _ => { }, CancellationToken.None);
            var expected = NoopWorkload.ValueOf(41, 3);
            Assert.InRange(expected, 0, 1);
            Assert.NotEqual(expected, NoopWorkload.ValueOf(42, 3));
            Assert.Equal(expected, completed.Summary["value"]);
            Assert.Equal(expected, JsonDocument.Parse(File.ReadAllText(completed.ResultPath)).RootElement.GetProperty("value").GetDouble());
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void A_sleeping_trial_ends_at_cancellation()
    {
        var output = Directory.CreateTempSubdirectory("orchestrator-test-work-noop-").FullName;
        try
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            var clock = Stopwatch.StartNew();
            Assert.ThrowsAny<OperationCanceledException>(() => new NoopWorkload().Train(Request(output, n: 1, sleep: 600), _ => { }, cancel.Token));
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(5), $"cancellation took {clock.Elapsed}"); // not the 600 s sleep
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static TrainRequest Request(string output, long n, double sleep) => new("r1", "t1", NoopWorkload.Name,
        new Dictionary<string, JsonElement> { ["n"] = JsonSerializer.SerializeToElement(n), ["sleep"] = JsonSerializer.SerializeToElement(sleep) },
        3, "cpu", 1, [1], Path.Combine(output, "checkpoint.bin"), 1, output);
}
