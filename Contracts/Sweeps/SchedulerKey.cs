namespace Orchestrator.Contracts.Sweeps;

/// <summary>The key of the cluster's one <see cref="ISchedulerGrain"/>, shared by the grains and the SDK.</summary>
public static class SchedulerKey
{
    public const string Default = "default";
}
