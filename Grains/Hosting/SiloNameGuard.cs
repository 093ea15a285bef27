namespace Orchestrator.Grains.Hosting;

/// <summary>
/// Refuses to start a silo whose name an active silo of the cluster already has: worker grains are placed by silo
/// name, so two silos of one name would share (and fight over) one set of worker slots.
/// </summary>
public sealed class SiloNameGuard(IClusterMembershipService membership, ILocalSiloDetails local) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloNameGuard), ServiceLifecycleStage.BecomeActive + 1, Check);

    private async Task Check(CancellationToken cancellation)
    {
        await membership.Refresh();
        var twin = membership.CurrentSnapshot.Members.Values.FirstOrDefault(m =>
            m.Name == local.Name && m.SiloAddress != local.SiloAddress && m.Status is SiloStatus.Active or SiloStatus.Joining);
        if (twin is not null)
        {
            throw new InvalidOperationException(
                $"the silo name '{local.Name}' is taken by the active silo at {twin.SiloAddress.Endpoint}; stop it or choose another Orchestrator:SiloName.");
        }
    }
}
