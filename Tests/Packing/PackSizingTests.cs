using Orchestrator.Grains.Sweeps;
using Orchestrator.Workloads;

namespace Orchestrator.Tests.Packing;

/// <summary>pack: auto's rules: time (overhead share), memory (half the slot's), spread (remaining trials per free slot), the device's largest.</summary>
public sealed class PackSizingTests
{
    private const long GiB = 1L << 30;

    private static readonly PackFootprint ReferenceAt32 = Reference(32);

    private static PackFootprint Reference(int batch) =>
        PackFootprintTests.Footprint(("task", ParamValue.Of("two_moons")), ("batchSize", ParamValue.Of(batch)));

    [Fact]
    public void On_a_cpu_the_pack_stops_growing_where_the_shared_overhead_is_a_tenth_of_a_members_matrix_work()
    {
        // Reference net, batch 32: 5.0 ms overhead per step against 2.28 ms of work per member → ceil(5.0 / 0.228) = 22.
        Assert.Equal(new PackChoice(22, "time"), PackSizing.Auto(ReferenceAt32, PackDeviceProfile.Cpu, 8 * GiB, 1000, 1));
        // Batch 128 is 4× the work per member: the overhead is amortised by a quarter of the pack.
        Assert.Equal(new PackChoice(6, "time"), PackSizing.Auto(Reference(128), PackDeviceProfile.Cpu, 8 * GiB, 1000, 1));
        // ResNet-S (64 small layers) is overhead-bound past the CPU's largest useful pack.
        var resnet = PackFootprintTests.Footprint(("task", ParamValue.Of("two_moons")), ("architecture", ParamValue.Of("resnet-s")), ("batchSize", ParamValue.Of(32)));
        Assert.Equal(new PackChoice(128, "device"), PackSizing.Auto(resnet, PackDeviceProfile.Cpu, 8 * GiB, 1000, 1));
        // A GPU is overhead-bound far longer: the pack grows to the largest a spec may ask for.
        Assert.Equal(new PackChoice(256, "device"), PackSizing.Auto(ReferenceAt32, PackDeviceProfile.Cuda, 16 * GiB, 1000, 1));
    }

    [Fact]
    public void A_pack_fits_in_half_the_slots_memory()
    {
        // A member holds 4 × (4 × 407,592 + 32 × 9,288) bytes = 7.71 MB: 128 MiB hold 8 of them in half.
        Assert.Equal(7_710_336, ReferenceAt32.Bytes);
        Assert.Equal(new PackChoice(8, "memory"), PackSizing.Auto(ReferenceAt32, PackDeviceProfile.Cpu, 128L << 20, 1000, 1));
        Assert.Equal(new PackChoice(17, "memory"), PackSizing.Auto(ReferenceAt32, PackDeviceProfile.Cuda, 256L << 20, 1000, 1));
        // Not even one fits: the member still trains (alone), as it would unpacked.
        Assert.Equal(1, PackSizing.Auto(ReferenceAt32, PackDeviceProfile.Cpu, 1L << 20, 1000, 1).Size);
        // Unknown memory (0): no memory rule.
        Assert.Equal(new PackChoice(22, "time"), PackSizing.Auto(ReferenceAt32, PackDeviceProfile.Cpu, 0, 1000, 1));
    }

    [Fact]
    public void A_slot_takes_no_more_than_an_even_share_of_the_remaining_trials_per_free_slot()
    {
        // 64 trials, 4 free slots: 16 each, though time would allow 22.
        Assert.Equal(new PackChoice(16, "spread"), PackSizing.Auto(ReferenceAt32, PackDeviceProfile.Cpu, 8 * GiB, 64, 4));
        Assert.Equal(new PackChoice(4, "spread"), PackSizing.Auto(ReferenceAt32, PackDeviceProfile.Cpu, 8 * GiB, 10, 3));
        // The last free slot may take everything that is left (up to the other rules).
        Assert.Equal(new PackChoice(10, "spread"), PackSizing.Auto(ReferenceAt32, PackDeviceProfile.Cpu, 8 * GiB, 10, 1));
        // A workload without a footprint packs by the spread and the device's largest only.
        Assert.Equal(new PackChoice(50, "spread"), PackSizing.Auto(null, PackDeviceProfile.Cpu, 8 * GiB, 100, 2));
        Assert.Equal(new PackChoice(128, "device"), PackSizing.Auto(null, PackDeviceProfile.Cpu, 8 * GiB, 1000, 1));
    }
}
