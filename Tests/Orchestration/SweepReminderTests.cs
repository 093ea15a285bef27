using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Grains.Sweeps;
using Orchestrator.Tests.Infrastructure;
using Orleans.Hosting;

namespace Orchestrator.Tests.Orchestration;

/// <summary>
/// A running sweep holds an Orleans reminder (in Redis here, as with Redis clustering): when its silo goes away, the
/// reminder re-activates it on another silo, which re-arms its dispatch, even when no worker calls it. An ended sweep
/// holds none.
/// </summary>
public sealed class SweepReminderTests
{
    [Fact]
    public async Task A_running_sweep_whose_silo_stopped_is_reactivated_by_its_reminder_and_an_ended_one_holds_none()
    {
        await using var redis = await RedisServer.StartAsync();
        var store = Directory.CreateTempSubdirectory("orchestrator-test-work-reminder-").FullName;
        try
        {
            // No worker slots: nothing leases, so nothing but the reminder calls the sweep.
            await using var cluster = await OrchestratorTestCluster.StartAsync(2, o => (o.LocalPath, o.RedisConnection) = (store, redis.Connection),
                slotsPerSilo: 0, sweeps: o => o.ReminderPeriod = TimeSpan.FromSeconds(5),
                configureSilo: s => s.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1)));
            await cluster.Client.SubmitAsync(OrchestratorTestCluster.TinySpec("reminded"));
            var sweep = cluster.Grains.GetGrain<ISweepGrain>("reminded");
            Assert.Single(await RemindersAsync(cluster.Cluster.Silos[0], sweep));
            var management = cluster.Grains.GetGrain<IManagementGrain>(0);
            var holder = await management.GetActivationAddress(sweep);
            var stopped = cluster.Cluster.Silos.Single(s => s.SiloAddress.Equals(holder));
            await cluster.Cluster.StopSiloAsync(stopped);

            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (!await SweepIsActiveAsync(management))
            {
                Assert.True(DateTime.UtcNow < deadline, "the sweep was not re-activated within 2 minutes");
                await Task.Delay(250);
            }

            await cluster.Client.CancelAsync("reminded");
            Assert.Empty(await RemindersAsync(cluster.Cluster.Silos.Single(), sweep));
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    private static async Task<IList<ReminderEntry>> RemindersAsync(Orleans.TestingHost.InProcessSiloHandle silo, ISweepGrain sweep) =>
        (await silo.SiloHost.Services.GetRequiredService<IReminderTable>().ReadRows(sweep.GetGrainId())).Reminders;

    // Asked of the silos, so the question does not activate the sweep itself.
    private static async Task<bool> SweepIsActiveAsync(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics()).Any(s => s.GrainType.Contains(nameof(SweepGrain), StringComparison.Ordinal) && s.ActivationCount > 0);
}
