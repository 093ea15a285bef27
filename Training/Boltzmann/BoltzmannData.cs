using Orchestrator.Training.Data;
using static TorchSharp.torch;

namespace Orchestrator.Training.Boltzmann;

/// <summary>
/// The Boltzmann data splits (spec §2): train/val/test .npy files per system, e.g. test_split_DW4.npy and
/// test_split_LJ13-1000.npy. Every split comes back mean-free (DW4 is stored with its centre of mass).
/// </summary>
public static class BoltzmannData
{
    public static IReadOnlyList<string> Splits { get; } = ["train", "val", "test"];

    /// <summary>The file name of a split: DW4 as test_split_DW4.npy, LJn as test_split_LJn-1000.npy.</summary>
    public static string FileName(IParticleSystem system, string split)
    {
        if (!Splits.Contains(split))
            throw new ArgumentException($"Unknown split '{split}'; known: {string.Join(", ", Splits)}.");
        var tag = system.Name.ToUpperInvariant();
        return system is DoubleWell4 ? $"{split}_split_{tag}.npy" : $"{split}_split_{tag}-1000.npy";
    }

    /// <summary>The folder holding the splits (<see cref="DataLocator.Boltzmann"/>: data/boltzmann).</summary>
    public static string Root() => DataLocator.Boltzmann();

    /// <summary>The full path of a split in <paramref name="folder"/> (default <see cref="Root"/>).</summary>
    public static string PathOf(IParticleSystem system, string split, string? folder = null) =>
        Path.Combine(folder ?? Root(), FileName(system, split));

    /// <summary>Whether the split exists (LJ13 train and all LJ55 splits are produced by our MCMC).</summary>
    public static bool Exists(IParticleSystem system, string split, string? folder = null) =>
        File.Exists(PathOf(system, split, folder));

    /// <summary>A split as float32 [rows, N·D], centred (mean-free); the first <paramref name="limit"/> rows when given.</summary>
    public static Tensor Load(IParticleSystem system, string split, string? folder = null, long? limit = null)
    {
        var path = PathOf(system, split, folder);
        if (!File.Exists(path))
            throw new MissingDataException(path, "LJ13 train and the LJ55 splits are not shipped: make them with 'orchestrator data generate'");
        using var scope = NewDisposeScope();
        var raw = NpyFile.Read(path);
        var width = system.ParticleCount * system.Dimensions;
        if (raw.shape.Length != 2 || raw.shape[1] != width)
            throw new InvalidDataException($"{path} has shape [{string.Join(", ", raw.shape)}]; {system.Name} needs [rows, {width}].");
        if (limit is { } n && n < raw.shape[0])
            raw = raw[..(int)n];
        return ParticleGeometry.RemoveMean(raw, system.ParticleCount, system.Dimensions).MoveToOuterDisposeScope();
    }
}
