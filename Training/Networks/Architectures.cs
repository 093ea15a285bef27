namespace Orchestrator.Training.Networks;

/// <summary>Builds encoder/decoder networks by name.</summary>
public static class Architectures
{
    public const string Reference = "reference";
    public const string ResNetSmall = "resnet-s";
    public const string ResNetLarge = "resnet-l";

    public static IReadOnlyList<string> Names { get; } = [Reference, ResNetSmall, ResNetLarge];

    /// <summary>A new network of the named architecture; with <paramref name="identityInit"/> it starts near the identity.</summary>
    public static ConditionalNetwork Create(string name, int dim, int conditionDim, bool identityInit)
    {
        ConditionalNetwork net = name switch
        {
            Reference => new ReferenceSbiNet(dim, conditionDim),
            ResNetSmall => ResidualNet.Small(dim, conditionDim),
            ResNetLarge => ResidualNet.Large(dim, conditionDim),
            _ => throw new ArgumentException($"Architecture '{name}' is not known: expected one of {string.Join(", ", Names)}."),
        };
        return identityInit ? new IdentitySkip(net) : net;
    }
}
