namespace Orchestrator.Client.Sdk;

/// <summary>How the SDK reaches a cluster: a local silo's gateway, or Redis membership for a multi-machine cluster.</summary>
public sealed class ClientConnectionOptions
{
    public string ClusterId { get; set; } = "orchestrator";
    public string ServiceId { get; set; } = "orchestrator";
    /// <summary>"localhost" or "redis".</summary>
    public string Clustering { get; set; } = "localhost";
    public int GatewayPort { get; set; } = 30000;
    public string? RedisConnection { get; set; }
    /// <summary>How long connecting may take before the client gives up with one line (no gateway answers).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How long one call to the cluster may take before it fails (Orleans' response timeout; every call is bounded well below it at any sweep size).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How long <c>WatchAsync</c> keeps reconnecting after it lost its silo (restart, failover).</summary>
    public TimeSpan WatchReconnectWindow { get; set; } = TimeSpan.FromMinutes(5);
}
