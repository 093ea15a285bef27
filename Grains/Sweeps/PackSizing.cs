using Orchestrator.Contracts.Specs;
using Orchestrator.Workloads;

namespace Orchestrator.Grains.Sweeps;

/// <summary>How one device kind runs a training step: per-layer overhead, matrix work, the largest pack worth making.</summary>
/// <param name="SecondsPerLayer">Per-operation overhead of one step per weight layer (launch, dispatch, autograd, Adam): a pack pays it once.</param>
/// <param name="SecondsPerParameterRow">Matrix work of one step per parameter × batch row: every member pays its own.</param>
/// <param name="Largest">The largest pack worth making on this kind of device.</param>
public sealed record PackDeviceProfile(double SecondsPerLayer, double SecondsPerParameterRow, int Largest)
{
    /// <summary>
    /// One CPU thread, fitted to <c>bench packing --threads 1 --batch-size 32</c>'s CPU ms per member and step at K = 1
    /// and 32 (two_moons): ResNet-S (107,704 parameters, 64 layers) 6.2 → 1.65 ms = 4.7 ms of overhead (0.073 ms per
    /// layer) + 1.5 ms of work (4.4e-10 s per parameter × row); the reference net (407,592 parameters, 20 layers)
    /// 5.8 → 5.24 ms = 0.6 ms + 5.2 ms (4.0e-10 s): bound by its products and Adam's memory traffic, it gains nothing.
    /// </summary>
    public static PackDeviceProfile Cpu { get; } = new(0.07e-3, 4.0e-10, 128);

    /// <summary>
    /// An H100 (issue 14's measurement with TorchSharp 0.107: ~5 ms per step at batch 256 whatever the model size, ~7 ms
    /// at a 256× larger batch): overhead-bound far past any pack a sweep makes, so packs grow to the largest a spec allows.
    /// </summary>
    public static PackDeviceProfile Cuda { get; } = new(5.0e-3 / 20, 2.0e-3 / (407_592.0 * 256 * 255), ResourceSpec.MaxPack);

    public static PackDeviceProfile Of(string deviceKind) => deviceKind == "cpu" ? Cpu : Cuda;
}

/// <summary>A pack size and the rule that set it (for the lease's log line).</summary>
public sealed record PackChoice(int Size, string Bound);

/// <summary>
/// <c>pack: auto</c>: the largest pack no rule forbids. Time: a pack pays the step's per-layer overhead once for K members
/// and each member its own matrix work, so a member's share of a step is overhead / K + work; past the K where the
/// overhead share falls to <see cref="OverheadShare"/> of the work, a larger pack gains under 10 % more per member.
/// Memory: K members (weights, gradients, Adam's moments, a step's activations) fit in <see cref="MemoryShare"/> of the
/// slot's memory. Spread: no more than an even share of the sweep's remaining trials per free slot, so one slot does not
/// take work that idle slots could run (64 trials on 2 free slots: packs of at most 32).
/// </summary>
public static class PackSizing
{
    public const double OverheadShare = 0.1;

    public const double MemoryShare = 0.5;

    /// <param name="member">One member's cost; null when the workload cannot tell (then only the spread rule and the device's largest apply).</param>
    /// <param name="slotMemoryBytes">The asking slot's memory (0 = unknown: no memory rule).</param>
    /// <param name="remaining">Trials of the sweep not yet started (requeued ones included).</param>
    /// <param name="freeSlots">Slots of this device kind that are free to take work, the asking one included.</param>
    public static PackChoice Auto(PackFootprint? member, PackDeviceProfile device, long slotMemoryBytes, long remaining, int freeSlots)
    {
        var choice = new PackChoice(device.Largest, "device");
        if (member is not null)
        {
            var overhead = member.Layers * device.SecondsPerLayer;
            var work = member.ParameterRows * device.SecondsPerParameterRow;
            choice = Smaller(choice, work > 0 ? Math.Ceiling(overhead / (OverheadShare * work)) : double.PositiveInfinity, "time");
            if (slotMemoryBytes > 0)
                choice = Smaller(choice, Math.Floor(MemoryShare * slotMemoryBytes / member.Bytes), "memory");
        }
        choice = Smaller(choice, Math.Ceiling((double)Math.Max(1, remaining) / Math.Max(1, freeSlots)), "spread");
        return choice with { Size = Math.Max(1, choice.Size) };
    }

    private static PackChoice Smaller(PackChoice choice, double size, string bound) =>
        size < choice.Size ? new PackChoice((int)Math.Max(1, size), bound) : choice;
}
