namespace Orchestrator.Training.Boltzmann;

/// <summary>The particle systems by name, as specs and commands select them.</summary>
public static class ParticleSystems
{
    public static IReadOnlyList<string> Names { get; } = ["dw4", "lj13", "lj55"];

    public static IParticleSystem Get(string name) => name.ToLowerInvariant() switch
    {
        "dw4" => new DoubleWell4(),
        "lj13" => LennardJones.Lj13,
        "lj55" => LennardJones.Lj55,
        _ => throw new ArgumentException($"Unknown particle system '{name}'; known: {string.Join(", ", Names)}."),
    };
}
