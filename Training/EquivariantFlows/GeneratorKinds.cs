using Orchestrator.Training.Boltzmann;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>The two Boltzmann generators by name: "ecnf" (equivariant CNF) and "realnvp" (non-equivariant baseline).</summary>
public static class GeneratorKinds
{
    public const string Equivariant = "ecnf";
    public const string RealNvp = "realnvp";

    public static IReadOnlyList<string> Names { get; } = [Equivariant, RealNvp];

    /// <summary>A freshly initialised generator for the system, its initialisation drawn from <paramref name="rng"/>.</summary>
    public static BoltzmannFlow Create(string kind, IParticleSystem system, GeneratorArchitecture architecture, Generator rng) => kind switch
    {
        Equivariant => new EquivariantCnf(system, architecture.Ecnf, rng),
        RealNvp => new RealNvpGenerator(system, architecture.Couplings, architecture.Hidden, rng),
        _ => throw new ArgumentException($"Unknown generator '{kind}'; known: {string.Join(", ", Names)}."),
    };
}

/// <summary>Sizes of both generators: the CNF's bases and integration, the RealNVP's couplings and hidden width.</summary>
public sealed record GeneratorArchitecture
{
    public EcnfOptions Ecnf { get; init; } = new();

    /// <summary>RealNVP couplings (4 × hidden 16: 1,752 parameters against the CNF's 570 on DW4).</summary>
    public int Couplings { get; init; } = 4;

    public int Hidden { get; init; } = 16;
}
