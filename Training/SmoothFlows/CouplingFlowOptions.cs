namespace Orchestrator.Training.SmoothFlows;

/// <summary>Which elementwise transform the couplings use.</summary>
public enum TransformKind
{
    /// <summary>C∞ bump mixture (spec §1), inverted by multi-bin bisection.</summary>
    Smooth,

    /// <summary>Rational-quadratic spline (C¹ baseline), inverted analytically.</summary>
    Spline,
}

/// <summary>Which direction of the flow is the analytic one.</summary>
public enum FlowOrientation
{
    /// <summary>Transforms map data → latent: log q and its forces are analytic, sampling inverts.</summary>
    Density,

    /// <summary>Transforms map latent → data (the paper's Boltzmann-generator set-up): log q inverts.</summary>
    Sampling,
}

/// <summary>A coupling flow on [0, 1]^D (or the torus) with a uniform base density.</summary>
/// <param name="Dimensions">D ≥ 2.</param>
/// <param name="Circular">Every coordinate on the circle 0 ≡ 1 (a torus) instead of the interval.</param>
/// <param name="Components">Bump components K (smooth) or spline bins.</param>
/// <param name="RampPower">k of the smooth ramp (1 or 2).</param>
/// <param name="WidthBound">B: log σ = tanh(·)·B on intervals, sigmoid(·)·B on circles.</param>
/// <param name="FloorMin">c_lb, the smallest density floor.</param>
/// <param name="FixedCircleWidths">Reproduce the public code: circle widths fixed at log σ = B/2 instead of learned.</param>
public sealed record CouplingFlowOptions(
    int Dimensions,
    bool Circular,
    TransformKind Kind = TransformKind.Smooth,
    int Components = 40,
    int Couplings = 4,
    int HiddenWidth = 100,
    int HiddenLayers = 2,
    int RampPower = 1,
    double WidthBound = 1,
    double FloorMin = 1e-6,
    bool FixedCircleWidths = false,
    FlowOrientation Orientation = FlowOrientation.Density)
{
    public InversionOptions Inversion { get; init; } = new();

    public void Validate()
    {
        if (Dimensions < 2)
            throw new ArgumentException($"A coupling flow needs at least 2 dimensions (got {Dimensions}).");
        if (Components < 1 || Couplings < 1 || HiddenWidth < 1 || HiddenLayers < 1)
            throw new ArgumentException("Components, couplings, hidden width and hidden layers must be positive.");
        if (FloorMin is <= 0 or >= 1)
            throw new ArgumentException($"The density floor bound c_lb must lie in (0, 1) (got {FloorMin}).");
        SmoothStep.MinimumSlope(RampPower);
        Inversion.Validate();
    }
}
