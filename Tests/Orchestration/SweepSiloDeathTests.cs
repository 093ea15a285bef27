using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Tests.Infrastructure;

namespace Orchestrator.Tests.Orchestration;

/// <summary>
/// The silo holding a sweep dies with a training its own worker ran: the sweep, reloaded on another silo, requeues that
/// training at once (the membership declares its worker's silo dead, so nobody can adopt it) rather than holding it back
/// for a lease duration as work whose worker might still report.
/// </summary>
public sealed class SweepSiloDeathTests
{
    [Fact]
    public async Task A_training_whose_worker_died_with_the_sweeps_silo_is_leased_again_without_waiting_out_its_lease()
    {
        using var store = new TempFolder();
        // No worker slots: the test is the worker. A long lease, so that waiting it out could not pass for "at once".
        var lease = TimeSpan.FromSeconds(60);
        await using var cluster = await OrchestratorTestCluster.StartAsync(3, o => o.LocalPath = store.Path, slotsPerSilo: 0,
            sweeps: o => o.LeaseDuration = lease);
        await cluster.Client.SubmitAsync(OrchestratorTestCluster.TinySpec("dead", search: "beta: [5]", seeds: "[1]"));
        var sweep = cluster.Grains.GetGrain<ISweepGrain>("dead");
        var address = await cluster.Grains.GetGrain<IManagementGrain>(0).GetActivationAddress(sweep);
        var holder = cluster.Cluster.Silos.Single(s => s.SiloAddress.Equals(address));
        var first = await sweep.LeaseAsync($"{holder.Name}/cpu0", "cpu") ?? throw new Xunit.Sdk.XunitException("nothing to lease");

        var killedAt = DateTime.UtcNow;
        await cluster.Cluster.KillSiloAsync(holder);
        var again = await LeaseAgainAsync(sweep, lease);
        var seconds = (DateTime.UtcNow - killedAt).TotalSeconds;

        Assert.Equal(first.Trial.ConfigHash, again.Trial.ConfigHash);
        Assert.Equal(2, again.Attempt);
        Assert.True(seconds < lease.TotalSeconds / 2, $"leased again {seconds:F1} s after the kill: held back as if adoptable");
        var state = (await sweep.GetTrialStateAsync(again.Trial.ConfigHash))!;
        Assert.Equal((TrialStatus.Running, 2, 1), (state.Status, state.Attempt, state.AttemptFloor)); // the lost attempt does not count
    }

    // Asks as a worker of a live silo would, until the sweep (reloaded after its silo's death) hands the work out.
    private static async Task<WorkItem> LeaseAgainAsync(ISweepGrain sweep, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (await sweep.LeaseAsync("survivor/cpu0", "cpu") is { } item)
                    return item;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // The sweep's silo was just killed: ask again.
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not leased again within {timeout}");
            await Task.Delay(200);
        }
    }
}
