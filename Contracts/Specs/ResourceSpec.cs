namespace Orchestrator.Contracts.Specs;

/// <summary>
/// What each trial needs: the device kind, and whether trials of the same shapes may train as one pack (trial packing:
/// K same-shape trials fused into one batched model on one worker slot).
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.specs.ResourceSpec")]
public sealed record ResourceSpec
{
    /// <summary><c>pack: off</c> (the default): every trial alone.</summary>
    public const int PackOff = 1;

    /// <summary><c>pack: auto</c>: up to <see cref="AutoPackSize"/> of the device kind.</summary>
    public const int PackAuto = 0;

    /// <summary>The largest pack a spec may ask for.</summary>
    public const int MaxPack = 256;

    [Id(0)] public DeviceKind Device { get; init; } = DeviceKind.Cpu;

    /// <summary><see cref="PackOff"/>, <see cref="PackAuto"/>, or N (2…<see cref="MaxPack"/>): packs of up to N trials.</summary>
    [Id(1)] public int Pack { get; init; } = PackOff;

    /// <summary>
    /// The pack size <c>auto</c> picks per device kind, from <c>bench packing</c>: on a CPU the reference SBI net gains most
    /// per model at K = 32 (2.3× wall; larger packs become bound by its matrix products); a GPU is bound by per-op
    /// overhead far longer, and its measured gains keep growing past K = 64.
    /// </summary>
    public static int AutoPackSize(string deviceKind) => deviceKind == "cpu" ? 32 : 64;

    /// <summary>The most trials one pack on a slot of this device kind ("cpu", "cuda") holds (1 = no packing).</summary>
    public int PackSizeOn(string deviceKind) => Pack == PackAuto ? AutoPackSize(deviceKind) : Pack;

    /// <summary>How specs spell <see cref="Pack"/>: off, auto or N.</summary>
    public string PackText => Pack switch
    {
        PackOff => "off",
        PackAuto => "auto",
        _ => Pack.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
