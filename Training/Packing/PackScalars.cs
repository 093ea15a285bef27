using TorchSharp;

namespace Orchestrator.Training.Packing;

/// <summary>
/// Constant Scalars of the packed layers, created once and never freed: a temporary Scalar (an implicit conversion, or
/// an API's default alpha) can be finalised by the GC while libtorch still reads it.
/// </summary>
internal static class PackScalars
{
    public static readonly Scalar One = Numerics.OwnedScalars.One;
    public static readonly Scalar Zero = 0.0.ToScalar();
}
