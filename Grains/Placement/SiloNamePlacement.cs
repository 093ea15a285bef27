using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Orchestrator.Grains.Placement;

/// <summary>
/// Places a grain whose key starts with "{siloName}/" on the active silo of that name: each worker grain drives the
/// devices of its own machine.
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.silo-name-placement")]
public sealed class SiloNamePlacementStrategy : PlacementStrategy;

/// <summary>Marks a grain class for <see cref="SiloNamePlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloNamePlacementAttribute() : PlacementAttribute(new SiloNamePlacementStrategy());

/// <summary>Picks the active silo named by the grain key's first segment; fails clearly when there is none.</summary>
public sealed class SiloNamePlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString() ?? "";
        var slash = key.IndexOf('/');
        if (slash <= 0)
            throw new ArgumentException($"Grain key '{key}' does not start with a silo name ('{{siloName}}/...').");
        var siloName = key[..slash];
        var compatible = context.GetCompatibleSilos(target).ToHashSet();
        var member = membership.CurrentSnapshot.Members.Values
            .FirstOrDefault(m => m.Status == SiloStatus.Active && m.Name == siloName && compatible.Contains(m.SiloAddress));
        return member is not null
            ? Task.FromResult(member.SiloAddress)
            : throw new OrleansException($"No active silo named '{siloName}' for grain '{key}'.");
    }
}
