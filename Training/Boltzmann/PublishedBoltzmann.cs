namespace Orchestrator.Training.Boltzmann;

/// <summary>The published test NLLs (unnormalised) and sampling times of spec §3 (FFF paper, Table 1).</summary>
public static class PublishedBoltzmann
{
    public sealed record Row(double FffNll, double? EnfNll, double? OtFmNll, double? EOtFmNll, double FffMsPerSample);

    public static Row For(string system) => system.ToLowerInvariant() switch
    {
        "dw4" => new Row(1.68, 1.72, 1.70, 1.68, 0.026),
        "lj13" => new Row(-17.09, -16.28, -16.54, -16.70, 0.11),
        "lj55" => new Row(-88.72, null, null, -89.27, 2.1),
        _ => throw new ArgumentException($"No published numbers for '{system}'."),
    };

    /// <summary>This CPU targets: DW4 ≤ 1.72 (E-NF), LJ13 ≤ −16.5.</summary>
    public static double? Target(string system) => system.ToLowerInvariant() switch
    {
        "dw4" => 1.72,
        "lj13" => -16.5,
        _ => null,
    };
}
