namespace Orchestrator.Training.Networks;

/// <summary>
/// The weight layers of each <see cref="Architectures"/> network as (inputs, outputs), without building it (no tensors):
/// what a pack's memory and time estimate (<c>pack: auto</c>) is computed from. <c>ArchitectureShapesTests</c> holds
/// it to the real networks' parameter counts.
/// </summary>
public static class ArchitectureShapes
{
    private const int ReferenceWidth = 256;

    /// <summary>Every linear layer of one network (<paramref name="dim"/> in and out, conditioned on <paramref name="conditionDim"/>).</summary>
    public static IReadOnlyList<(int In, int Out)> Layers(string name, int dim, int conditionDim) => name switch
    {
        Architectures.Reference => Reference(dim, conditionDim),
        Architectures.ResNetSmall => Residual(dim, conditionDim, width: 50, blocks: 10, gated: true, twoInputLayers: false),
        Architectures.ResNetLarge => Residual(dim, conditionDim, width: 256, blocks: 4, gated: false, twoInputLayers: true),
        _ => throw new ArgumentException($"Architecture '{name}' is not known: expected one of {string.Join(", ", Architectures.Names)}."),
    };

    /// <summary>Weights and biases of one network.</summary>
    public static long Parameters(IEnumerable<(int In, int Out)> layers) => layers.Sum(l => (long)l.In * l.Out + l.Out);

    // Mirrors ReferenceSbiNet: a head MLP, two residual MLP blocks on [h, c], an output layer.
    private static List<(int, int)> Reference(int dim, int conditionDim)
    {
        var joint = dim + conditionDim;
        List<(int, int)> layers = [(joint, ReferenceWidth), (ReferenceWidth, ReferenceWidth), (ReferenceWidth, dim)];
        for (var block = 0; block < 2; block++)
            layers.AddRange([(joint, ReferenceWidth), (ReferenceWidth, ReferenceWidth), (ReferenceWidth, joint)]);
        layers.Add((joint, dim));
        return layers;
    }

    // Mirrors ResidualNet and GatedResidualBlock.
    private static List<(int, int)> Residual(int dim, int conditionDim, int width, int blocks, bool gated, bool twoInputLayers)
    {
        List<(int, int)> layers = [(dim + conditionDim, width)];
        if (twoInputLayers)
            layers.Add((width, width));
        for (var block = 0; block < blocks; block++)
        {
            layers.AddRange([(width + conditionDim, width), (width, width)]);
            if (gated)
                layers.Add((conditionDim, width));
        }
        layers.Add((width, dim));
        return layers;
    }
}
