using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestrator.Contracts.Storage;
using Orchestrator.Grains.Placement;
using Orchestrator.Grains.Storage;
using Orchestrator.Grains.Sweeps;
using Orchestrator.Grains.Telemetry;
using Orchestrator.Workloads;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;

namespace Orchestrator.Grains.Hosting;

/// <summary>Registers the orchestrator's grains' services on a silo: storage, placement, workloads, sweep options, worker slots.</summary>
public static class OrchestratorSiloBuilderExtensions
{
    /// <param name="workloads">The workloads sweeps may name (the silo host passes Training's built-in ones); their
    /// trial host must run the same workloads.</param>
    /// <param name="dataCheck">Rejects at submit a sweep whose data is missing (default: no check).</param>
    public static ISiloBuilder AddOrchestrator(this ISiloBuilder builder, OrchestratorOptions options, WorkloadRegistry workloads,
        Action<SweepOptions>? sweeps = null, SweepDataCheck? dataCheck = null)
    {
        // Every problem at start-up, one line each, rather than at first use.
        OrchestratorOptionsValidator.EnsureValid(options);
        builder.Configure<SiloOptions>(o => o.SiloName = options.SiloName);
        // One activation per grain, also while silos join or die. The default (eventually consistent) directory lets a
        // joining silo activate a second scheduler while the first one takes a sweep's registration; when the older
        // activation is destroyed as the duplicate, the survivor's sweep list is stale and no trial is ever leased
        // (the 3-silo dispatch stall of issue 8). Orleans' strongly consistent directory is opt-in (experimental) in 10.x.
#pragma warning disable ORLEANSEXP003
        builder.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        // Trace context flows with every grain call (client → sweep → worker); the trial host gets it in its requests.
        builder.AddActivityPropagation();
        // A running sweep holds a reminder: when its silo dies, the reminder re-activates it on another silo, which
        // re-arms its dispatch timer (lease expiry, orphans, time budget) even if no worker calls it. Durable in Redis
        // wherever Redis is configured; on one machine in memory (a restarted silo reloads sweeps at the first lease).
        if (options.RedisConnection is { Length: > 0 } redis)
            builder.UseRedisReminderService(o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(redis));
        else
            builder.UseInMemoryReminderService();
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(options);
            services.AddSingleton(workloads);
            services.AddSingleton(dataCheck ?? SweepDataCheck.None);
            services.TryAddSingleton(TimeProvider.System);
            services.AddOptions<SweepOptions>().Configure(o =>
            {
                o.AcceptTestFaults = options.EnableTestFaults;
                sweeps?.Invoke(o);
            });
            services.AddPlacementDirector<SiloNamePlacementStrategy, SiloNamePlacementDirector>();
            services.AddGrainStateJson();
            AddStorage(services, options);
            services.AddMetrics();
            services.AddSingleton<OrchestratorMetrics>();
            // hw.gpu.* gauges where this silo runs CUDA work (sampled by nvidia-smi, never by loading libtorch here).
            if (options.CudaSlots > 0)
                services.AddHostedService<GpuMetrics>();
            services.AddSingleton<WorkerSlots>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<WorkerSlots>());
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloNameGuard>();
            services.AddSingleton<SiloStopping>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloStopping>());
        });
        return builder;
    }

    private static void AddStorage(IServiceCollection services, OrchestratorOptions options)
    {
        switch (options.Storage)
        {
            case StorageKind.Local:
                var root = Path.GetFullPath(options.LocalPath);
                services.AddSingleton<IResultStore>(_ => new LocalDirectoryResultStore(Path.Combine(root, "results")));
                services.AddGrainStorage(GrainStorageNames.State, (sp, _) => LocalFileGrainStorage.Create(sp, Path.Combine(root, "grains")));
                break;
            case StorageKind.Azure:
                void Configure(BlobStorageOptions o, string container)
                {
                    o.ConnectionString = options.ConnectionString;
                    o.AccountUri = options.AccountUrl is null ? null : new Uri(options.AccountUrl);
                    o.ContainerName = container;
                    if (o.ConnectionString is null && o.AccountUri is null)
                        throw new ArgumentException("Storage 'Azure' needs Orchestrator:ConnectionString or Orchestrator:AccountUrl.");
                }
                services.AddBlobGrainStorage(GrainStorageNames.State, o => Configure(o, options.Container + "-state"));
                services.AddSingleton<IResultStore>(_ =>
                {
                    var blob = new BlobStorageOptions();
                    Configure(blob, options.Container);
                    return new BlobResultStore(blob);
                });
                break;
            default:
                throw new ArgumentException($"Unknown storage kind {options.Storage}.");
        }
    }
}
