using Orchestrator.Client.Sdk;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Grains.Hosting;
using Orchestrator.Grains.Sweeps;
using Orchestrator.Grains.Telemetry;
using Orchestrator.Grains.Workers;
using Orchestrator.Tests.Workloads;
using Orchestrator.Training.Workloads;
using Orchestrator.Workloads;
using Orleans.TestingHost;

namespace Orchestrator.Tests.Orchestration;

/// <summary>
/// A real in-process Orleans cluster running the orchestrator's grains: each silo gets its own name, worker slots and
/// work folder; storage is either a local folder or Azurite. Trials run in real trial-host child processes.
/// </summary>
public sealed class OrchestratorTestCluster : IAsyncDisposable
{
    private readonly string _work;

    private OrchestratorTestCluster(InProcessTestCluster cluster, string work)
    {
        _work = work;
        Cluster = cluster;
        Client = new OrchestratorClient(cluster.Client);
    }

    public InProcessTestCluster Cluster { get; }

    /// <summary>The SDK over the test cluster, used through its interface.</summary>
    public IOrchestratorClient Client { get; }

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>The folder that holds every silo's worker folders.</summary>
    public string WorkPath => _work;

    /// <param name="storage">Configures storage on each silo's options (local path or Azure connection).</param>
    /// <param name="configureSilo">Further configuration of each silo (e.g. Orleans options a test shortens).</param>
    public static async Task<OrchestratorTestCluster> StartAsync(int silos, Action<OrchestratorOptions> storage,
        int slotsPerSilo = 1, Action<SweepOptions>? sweeps = null, Action<ISiloBuilder>? configureSilo = null)
    {
        var work = Directory.CreateTempSubdirectory("orchestrator-test-work-").FullName;
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((silo, siloBuilder) =>
        {
            var options = new OrchestratorOptions
            {
                SiloName = silo.SiloName,
                CpuSlots = slotsPerSilo,
                CudaSlots = 0,
                EnableTestFaults = true,
                WorkPath = Path.Combine(work, silo.SiloName),
            };
            storage(options);
            // Exporters only where a test asks for them (options.Telemetry); otherwise nothing is registered.
            siloBuilder.Services.AddOrchestratorTelemetry(options.Telemetry, "orchestrator-silo", silo.SiloName);
            options.TrialHostCommand = TrialHostWithTestWorkloads();
            siloBuilder.AddOrchestrator(options, Workloads, o =>
            {
                o.LeaseDuration = TimeSpan.FromSeconds(20);
                o.CheckpointEvery = 1;
                sweeps?.Invoke(o);
            }, new SweepDataCheck(BuiltInWorkloads.RequireDataOf));
            configureSilo?.Invoke(siloBuilder);
        });
        // Trace context flows from the test's client calls into the grains, as from the SDK's.
        builder.ConfigureClient(client => client.AddActivityPropagation());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new OrchestratorTestCluster(cluster, work);
    }

    /// <summary>The built-in workloads and the test project's <see cref="QuadraticWorkload"/>.</summary>
    public static WorkloadRegistry Workloads { get; } = BuiltInWorkloads.Registry.With(QuadraticWorkload.Definition);

    // The installed trial host, told to load this assembly's workloads too (how a workload outside Training plugs in).
    private static string TrialHostWithTestWorkloads()
    {
        var host = TrialProcessOptions.Default();
        return string.Join(' ', [host.FileName, .. host.Arguments, "--workloads", typeof(QuadraticWorkload).Assembly.Location]);
    }

    /// <summary>Follows the sweep until it ends (or the timeout passes) and returns its results.</summary>
    public async Task<SweepResults> RunToEndAsync(string sweep, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await foreach (var _ in Client.WatchAsync(sweep, cancel.Token))
        {
        }
        var status = await Client.GetStatusAsync(sweep);
        Assert.True(status.IsFinished, $"sweep {sweep} did not finish within {timeout}: {status}");
        return await Client.GetResultsAsync(sweep);
    }

    /// <summary>Polls until the condition on the sweep's status holds.</summary>
    public async Task<SweepStatus> WaitForAsync(string sweep, Func<SweepStatus, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await Client.GetStatusAsync(sweep);
            if (condition(status))
                return status;
            Assert.True(DateTime.UtcNow < deadline, $"condition not reached within {timeout}: {status}");
            await Task.Delay(200);
        }
    }

    /// <summary>A tiny but real fff-sbi spec: two_moons, small budget, few epochs, few posterior samples.</summary>
    public static SweepSpec TinySpec(string name, string extraFixed = "", string search = "beta: [5, 25]", string seeds = "[1, 2]",
        int epochs = 2, int shards = 1, string observations = "[1]") =>
        SweepSpecParser.Parse($$"""
            name: {{name}}
            workload: fff-sbi
            fixed: { task: two_moons, budget: 200, epochs: {{epochs}}, batchSize: 64, posteriorSamples: 500{{extraFixed}} }
            search:
              {{search}}
            seeds: {{seeds}}
            evaluation: { observations: {{observations}}, shards: {{shards}} }
            """, BuiltInWorkloads.Registry, "spec.yaml");

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        // The silos' work folders (checkpoints before upload, trial outputs): tens of MB per test otherwise left in /tmp.
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // A trial host that is still exiting may hold a file; the folder is in /tmp.
        }
    }
}
