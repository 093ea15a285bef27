namespace Orchestrator.Grains;

/// <summary>Names of the grain storage providers the grains use; the silo registers them.</summary>
public static class GrainStorageNames
{
    /// <summary>Trial, shard, sweep and scheduler state.</summary>
    public const string State = "orchestrator";
}
