using Orchestrator.Grains.Sweeps;
using Orchestrator.Workloads;

namespace Orchestrator.Tests.Packing;

/// <summary>pack: auto's rules: time (overhead share), memory (half the slot's), spread (remaining trials per free slot), the device's largest.</summary>
public sealed class PackSizingTests
{
    private const long GiB = 1L << 30;

    private static readonly PackFootprint ReferenceAt32 = Reference(32);

    private static readonly PackFootprint ResNetAt32 =
        PackFootprintTests.Footprint(("task", ParamValue.Of("two_moons")), ("architecture", ParamValue.Of("resnet-s")), ("batchSize", ParamValue.Of(32)));

    private static PackFootprint Reference(int batch) =>
        PackFootprintTests.Footprint(("task", ParamValue.Of("two_moons")), ("batchSize", ParamValue.Of(batch)));

    [Fact]
    public void On_a_cpu_the_pack_stops_growing_where_the_shared_overhead_is_a_tenth_of_a_members_work()
    {
        // ResNet-S, batch 32: 64 layers × 0.07 ms of overhead against 107,704 × 32 × 0.4 ns = 1.38 ms of work per member:
        // ceil(4.48 / 0.138) = 33 (bench packing: 2.07 ms per member at K = 8, 1.65 at 32, from 6.2 alone).
        Assert.Equal(new PackChoice(33, "time"), PackSizing.Auto(ResNetAt32, PackDeviceProfile.Cpu, 8 * GiB, 1000, 1));
        // The reference net's 256-wide products dwarf its overhead: packs of 3 at batch 32, none at 128.
        Assert.Equal(new PackChoice(3, "time"), PackSizing.Auto(ReferenceAt32, PackDeviceProfile.Cpu, 8 * GiB, 1000, 1));
        Assert.Equal(new PackChoice(1, "time"), PackSizing.Auto(Reference(128), PackDeviceProfile.Cpu, 8 * GiB, 1000, 1));
        // A GPU is overhead-bound far longer: the pack grows to the largest a spec may ask for.
        Assert.Equal(new PackChoice(256, "device"), PackSizing.Auto(ReferenceAt32, PackDeviceProfile.Cuda, 16 * GiB, 1000, 1));
    }

    [Fact]
    public void A_pack_fits_in_half_the_slots_memory()
    {
        // A member holds 4 × (4 × 407,592 + 32 × 9,288) bytes = 7.71 MB: half of 128 MiB holds 8 of them.
        Assert.Equal(7_710_336, ReferenceAt32.Bytes);
        Assert.Equal(new PackChoice(8, "memory"), PackSizing.Auto(ReferenceAt32, PackDeviceProfile.Cuda, 128L << 20, 1000, 1));
        Assert.Equal(new PackChoice(17, "memory"), PackSizing.Auto(ReferenceAt32, PackDeviceProfile.Cuda, 256L << 20, 1000, 1));
        Assert.Equal(new PackChoice(4, "memory"), PackSizing.Auto(ResNetAt32, PackDeviceProfile.Cpu, 8 * ResNetAt32.Bytes, 1000, 1));
        // Not even one fits: the member still trains (alone), as it would unpacked.
        Assert.Equal(1, PackSizing.Auto(ReferenceAt32, PackDeviceProfile.Cuda, 1L << 20, 1000, 1).Size);
        // Unknown memory (0): no memory rule.
        Assert.Equal(new PackChoice(256, "device"), PackSizing.Auto(ReferenceAt32, PackDeviceProfile.Cuda, 0, 1000, 1));
    }

    [Fact]
    public void A_slot_takes_no_more_than_an_even_share_of_the_remaining_trials_per_free_slot()
    {
        // 64 trials, 4 free slots: 16 each, though time would allow 33.
        Assert.Equal(new PackChoice(16, "spread"), PackSizing.Auto(ResNetAt32, PackDeviceProfile.Cpu, 8 * GiB, 64, 4));
        Assert.Equal(new PackChoice(4, "spread"), PackSizing.Auto(ResNetAt32, PackDeviceProfile.Cpu, 8 * GiB, 10, 3));
        // The last free slot may take everything that is left (up to the other rules).
        Assert.Equal(new PackChoice(10, "spread"), PackSizing.Auto(ResNetAt32, PackDeviceProfile.Cpu, 8 * GiB, 10, 1));
        Assert.Equal(new PackChoice(33, "time"), PackSizing.Auto(ResNetAt32, PackDeviceProfile.Cpu, 8 * GiB, 100, 1));
        // A workload without a footprint packs by the spread and the device's largest only.
        Assert.Equal(new PackChoice(50, "spread"), PackSizing.Auto(null, PackDeviceProfile.Cpu, 8 * GiB, 100, 2));
        Assert.Equal(new PackChoice(128, "device"), PackSizing.Auto(null, PackDeviceProfile.Cpu, 8 * GiB, 1000, 1));
    }
}
