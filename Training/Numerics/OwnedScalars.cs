using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Numerics;

/// <summary>
/// Scalars created once and never freed, and the additions that use them. TorchSharp's <c>a + b</c> on tensors is
/// <c>a.add(b, 1)</c> and <c>1 - t</c> is <c>t.negative().add(1, 1)</c>: each alpha is a temporary Scalar that becomes
/// unreachable once its handle is read, so a GC on another thread during the native call lets the finalizer free it
/// while libtorch reads it (seen as "Expected false to be true" from Scalar::toFloat inside THSTensor_add). These are
/// the same operations, bit for bit, without the temporaries.
/// </summary>
public static class OwnedScalars
{
    public static readonly Scalar One = 1.0.ToScalar();

    /// <summary>a + b.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a + s, with s an owned Scalar (floating tensors: an integral one needs an integral alpha).</summary>
    public static Tensor Plus(this Tensor a, Scalar s) => a.add(s, One);

    /// <summary>1 − t.</summary>
    public static Tensor OneMinus(this Tensor t) => t.negative().add(One, One);
}
