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

    /// <summary><c>pack: auto</c>: the size the sweep estimates per device kind, trial shape and slot memory (the grains' PackSizing).</summary>
    public const int PackAuto = 0;

    /// <summary>The largest pack a spec may ask for.</summary>
    public const int MaxPack = 256;

    [Id(0)] public DeviceKind Device { get; init; } = DeviceKind.Cpu;

    /// <summary><see cref="PackOff"/>, <see cref="PackAuto"/>, or N (2…<see cref="MaxPack"/>): packs of up to N trials.</summary>
    [Id(1)] public int Pack { get; init; } = PackOff;

    /// <summary>How specs spell <see cref="Pack"/>: off, auto or N.</summary>
    public string PackText => Pack switch
    {
        PackOff => "off",
        PackAuto => "auto",
        _ => Pack.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
