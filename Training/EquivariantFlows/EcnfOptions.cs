namespace Orchestrator.Training.EquivariantFlows;

/// <summary>Architecture and integration settings of the equivariant CNF (defaults: spec §5).</summary>
public sealed record EcnfOptions
{
    /// <summary>Radial basis centres K on [0, <see cref="MaxDistance"/>].</summary>
    public int DistanceBasis { get; init; } = 50;

    public double MaxDistance { get; init; } = 8.0;

    /// <summary>Initial width γ of the distance basis (trainable).</summary>
    public double DistanceWidth { get; init; } = 0.5;

    /// <summary>Time basis centres M on [0, 1].</summary>
    public int TimeBasis { get; init; } = 10;

    /// <summary>Initial width of the time basis (trainable).</summary>
    public double TimeWidth { get; init; } = 0.3;

    /// <summary>Fixed RK4 steps on [0, 1] for training.</summary>
    public int Rk4Steps { get; init; } = 20;

    /// <summary>Dormand–Prince tolerances for evaluation.</summary>
    public double RelativeTolerance { get; init; } = 1e-5;

    public double AbsoluteTolerance { get; init; } = 1e-10;

    public void Validate()
    {
        if (DistanceBasis < 1 || TimeBasis < 1)
            throw new ArgumentException("Basis sizes must be ≥ 1.");
        if (MaxDistance <= 0 || DistanceWidth <= 0 || TimeWidth <= 0)
            throw new ArgumentException("Basis range and widths must be > 0.");
        if (Rk4Steps < 1)
            throw new ArgumentException("RK4 steps must be ≥ 1.");
        if (RelativeTolerance <= 0 || AbsoluteTolerance <= 0)
            throw new ArgumentException("Tolerances must be > 0.");
    }
}
