namespace Orchestrator.Grains.Hosting;

/// <summary>Where grain state and results are kept.</summary>
public enum StorageKind
{
    /// <summary>A local folder (the default: nothing to set up).</summary>
    Local,
    /// <summary>Azure Blob Storage or Azurite through a connection string.</summary>
    Azure,
}

/// <summary>
/// Configuration of an orchestrator silo (section "Orchestrator" of appsettings, environment variables
/// Orchestrator__X, or --Orchestrator:X=... on the command line).
/// </summary>
public sealed class OrchestratorOptions
{
    public const string Section = "Orchestrator";

    /// <summary>Stable silo name: worker grains "{SiloName}/cpu{n}" are placed on the silo of that name.</summary>
    public string SiloName { get; set; } = Environment.MachineName.ToLowerInvariant();

    public string ClusterId { get; set; } = "orchestrator";
    public string ServiceId { get; set; } = "orchestrator";

    /// <summary>"localhost" (one machine) or "redis" (many; needs <see cref="RedisConnection"/>).</summary>
    public string Clustering { get; set; } = "localhost";
    public string? RedisConnection { get; set; }
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
    /// <summary>Address other silos reach this one at (clustering "redis"); loopback by default.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    public StorageKind Storage { get; set; } = StorageKind.Local;
    /// <summary>Folder of the local store (default ~/.orchestrator).</summary>
    public string LocalPath { get; set; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".orchestrator");
    /// <summary>Azure Storage connection string ("UseDevelopmentStorage=true" for Azurite on its default port).</summary>
    public string? ConnectionString { get; set; }
    /// <summary>Account URL used with DefaultAzureCredential when no connection string is given.</summary>
    public string? AccountUrl { get; set; }
    public string Container { get; set; } = "orchestrator";

    /// <summary>CPU worker slots on this silo (default: one per two cores, at least one).</summary>
    public int CpuSlots { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);
    /// <summary>CUDA worker slots; -1 = one per detected device.</summary>
    public int CudaSlots { get; set; } = -1;
    /// <summary>Memory of each CUDA slot's GPU in GiB (<c>pack: auto</c> fits packs in half of it; the silo holds no CUDA runtime to ask).</summary>
    public double CudaMemoryGiB { get; set; } = 16;
    /// <summary>Intra-op threads per trial.</summary>
    public int ThreadsPerTrial { get; set; } = 1;
    /// <summary>Where trial hosts keep local checkpoints and outputs before upload.</summary>
    public string WorkPath { get; set; } = Path.Combine(Path.GetTempPath(), "orchestrator-work");
    /// <summary>Accept specs with the test-only <c>fault</c> parameter (crash-isolation tests); off in real clusters.</summary>
    public bool EnableTestFaults { get; set; }
    /// <summary>
    /// Running as a Kubernetes pod (Orleans' Kubernetes hosting: the silo's name, address and ids come from the pod's
    /// POD_NAME, POD_IP, ORLEANS_SERVICE_ID and ORLEANS_CLUSTER_ID, and silos whose pods are gone are declared dead at
    /// once). Clustering stays Redis.
    /// </summary>
    public bool Kubernetes { get; set; }
    /// <summary>How long workers retry storage calls and reports through an outage before giving an item back (uncounted).</summary>
    public TimeSpan StorageOutageWindow { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>How long a cancelled trial host may take to save its checkpoint and answer before it is killed.</summary>
    public TimeSpan HostCancelGrace { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Command that starts a trial host (default: this installation's Orchestrator.TrialHost).</summary>
    public string? TrialHostCommand { get; set; }
    /// <summary>Exporters of traces, metrics and logs (section Orchestrator:Telemetry).</summary>
    public Telemetry.TelemetryOptions Telemetry { get; set; } = new();
}
