using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Training.Workloads;

namespace Orchestrator.Tests.Orchestration;

/// <summary>Work goes only to slots of its device kind; a CUDA sweep on a cluster without GPU slots is refused at submit.</summary>
public sealed class DeviceKindTests
{
    [Fact]
    public async Task Cuda_work_is_refused_without_gpu_slots_and_leased_only_to_them_with_their_device_index()
    {
        var store = Directory.CreateTempSubdirectory("orchestrator-devices-").FullName;
        await using var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store, slotsPerSilo: 0);
        var gpu = Spec("on-gpu", "cuda");
        var error = await Assert.ThrowsAsync<ArgumentException>(() => cluster.Client.SubmitAsync(gpu));
        Assert.Contains("resources.device is cuda, but no silo of this cluster has a cuda worker slot", error.Message);

        // A CPU sweep goes to CPU slots only.
        await cluster.Client.SubmitAsync(Spec("on-cpu", "cpu"));
        var cpuSweep = cluster.Grains.GetGrain<ISweepGrain>("on-cpu");
        Assert.Null(await cpuSweep.LeaseAsync("ghost/gpu0", "cuda:0"));
        Assert.Equal("cpu", (await cpuSweep.LeaseAsync("ghost/cpu0", "cpu"))!.Device);

        // Once a GPU slot has asked for work, CUDA sweeps are accepted and go to GPU slots only, on their device.
        await cluster.Grains.GetGrain<ISchedulerGrain>(SchedulerKey.Default).LeaseAsync("ghost/gpu1", "cuda:1");
        await cluster.Client.SubmitAsync(gpu);
        var gpuSweep = cluster.Grains.GetGrain<ISweepGrain>("on-gpu");
        Assert.Null(await gpuSweep.LeaseAsync("ghost/cpu0", "cpu"));
        Assert.Equal("cuda:1", (await gpuSweep.LeaseAsync("ghost/gpu1", "cuda:1"))!.Device);
    }

    private static SweepSpec Spec(string name, string device) => SweepSpecParser.Parse($$"""
        name: {{name}}
        workload: fff-sbi
        fixed: { task: two_moons, budget: 200, epochs: 1 }
        resources: { device: {{device}} }
        """, BuiltInWorkloads.Registry, "spec.yaml");
}
