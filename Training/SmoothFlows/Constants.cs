using TorchSharp;

namespace Orchestrator.Training.SmoothFlows;

/// <summary>
/// The Scalars the smooth-flow numerics multiply, add and clamp with. They live for the whole process: an
/// implicit double → Scalar temporary can be finalised while libtorch still reads it, a static one cannot.
/// </summary>
internal static class Constants
{
    public static readonly Scalar Zero = 0.0.ToScalar();
    public static readonly Scalar ZeroIndex = 0L.ToScalar();
    public static readonly Scalar OneIndex = 1L.ToScalar();
    public static readonly Scalar One = Numerics.OwnedScalars.One;
    public static readonly Scalar Two = 2.0.ToScalar();
    public static readonly Scalar Half = 0.5.ToScalar();
    public static readonly Scalar MinusOne = (-1.0).ToScalar();
    public static readonly Scalar Four = 4.0.ToScalar();
    public static readonly Scalar Ten = 10.0.ToScalar();
    public static readonly Scalar TwoPi = (2 * Math.PI).ToScalar();
    public static readonly Scalar Pi = Math.PI.ToScalar();

    /// <summary>Lower clamp of the smooth step's argument: below it the step is already exactly 0 (see <see cref="SmoothStep"/>).</summary>
    public static readonly Scalar StepEdge = SmoothStep.Edge.ToScalar();

    /// <summary>Upper clamp of the smooth step's argument.</summary>
    public static readonly Scalar StepEdgeHigh = (1 - SmoothStep.Edge).ToScalar();
}
