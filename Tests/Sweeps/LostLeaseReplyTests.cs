using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Sweeps;
using Orchestrator.Tests.Orchestration;

namespace Orchestrator.Tests.Sweeps;

/// <summary>
/// A lease granted by a call whose reply the worker never received (the sweep's silo stopped mid-call and Orleans
/// forwarded the call to the sweep's new activation) is given to that worker again, same attempt, at its next call,
/// instead of holding its trial for a whole lease duration.
/// </summary>
public sealed class LostLeaseReplyTests : IDisposable
{
    private readonly string _store = Directory.CreateTempSubdirectory("orchestrator-test-work-lost-reply-").FullName;

    public void Dispose() => Directory.Delete(_store, recursive: true);

    [Fact]
    public async Task A_lease_the_worker_does_not_hold_is_given_again_and_only_to_that_worker()
    {
        // No worker slots: the test leases itself. Four trials, not packed.
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = _store, slotsPerSilo: 0);
        await cluster.Client.SubmitAsync(OrchestratorTestCluster.TinySpec("lost-reply"));
        var sweep = cluster.Grains.GetGrain<ISweepGrain>("lost-reply");

        var first = Assert.Single(await sweep.LeasePackAsync("test/cpu0", "cpu", 1, 0, held: []));
        // Its reply "was lost": the worker holds nothing and asks again. The same lease comes back, same trial and attempt.
        var again = Assert.Single(await sweep.LeasePackAsync("test/cpu0", "cpu", 1, 0, held: []));
        Assert.Equal((first.LeaseId, first.Trial.Index, 1), (again.LeaseId, again.Trial.Index, again.Attempt));
        // Held, it is not given again: the worker gets the next trial (lease-ahead while running the first).
        var next = Assert.Single(await sweep.LeasePackAsync("test/cpu0", "cpu", 1, 0, held: [first.LeaseId]));
        Assert.Equal(1, next.Trial.Index);
        // Another worker never gets cpu0's leases.
        var other = Assert.Single(await sweep.LeasePackAsync("test/cpu1", "cpu", 1, 0, held: []));
        Assert.Equal(2, other.Trial.Index);
        // A caller that does not say what it holds (null) gets new work only.
        var unstated = Assert.Single(await sweep.LeasePackAsync("test/cpu0", "cpu", 1, 0));
        Assert.Equal(3, unstated.Trial.Index);
        // Four trials started once each (the starts are appended behind the replies: wait for them).
        await cluster.WaitForAsync("lost-reply", s => s is { Running: 4, Pending: 0 }, TimeSpan.FromSeconds(30));
        Assert.All((await cluster.Client.GetResultsAsync("lost-reply")).Trials, t => Assert.Equal(1, t.Attempt));
    }

    [Fact]
    public void The_queue_finds_a_workers_unreceived_leases_until_they_are_released_or_expire()
    {
        var clock = new ManualClock();
        var queue = new WorkQueue(clock, TimeSpan.FromSeconds(30));
        var works = new Queue<PendingWork>(Enumerable.Range(0, 4).Select(i => new PendingWork(WorkKind.Train, i, $"{i:x16}", 0, [1], 1)));
        var a = queue.TryLease("w0", () => works.Dequeue())!;
        var b = queue.TryLease("w0", () => works.Dequeue())!;
        var c = queue.TryLease("w1", () => works.Dequeue())!;

        Assert.Equal([b.Id], queue.Unreceived("w0", [a.Id]).Select(l => l.Id));
        Assert.Equal(new[] { a.Id, b.Id }.Order(StringComparer.Ordinal), queue.Unreceived("w0", []).Select(l => l.Id).Order(StringComparer.Ordinal));
        Assert.Equal([c.Id], queue.Unreceived("w1", []).Select(l => l.Id));
        Assert.Empty(queue.Unreceived("w2", []));

        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Single(queue.Unreceived("w0", [a.Id])); // given again: b renewed, a not
        queue.Release(b.Id);
        Assert.Empty(queue.Unreceived("w0", [a.Id]));
        clock.Advance(TimeSpan.FromSeconds(15)); // a and c expire (30 s after their grant); b was released
        Assert.Equal(new[] { a.Id, c.Id }.Order(StringComparer.Ordinal), queue.Expire().Select(l => l.Id).Order(StringComparer.Ordinal));
        Assert.Empty(queue.Unreceived("w0", []));
        Assert.Empty(queue.Unreceived("w1", []));
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
