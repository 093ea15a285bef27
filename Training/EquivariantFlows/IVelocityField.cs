using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>
/// A time-dependent vector field dx/dt = v(x, t) together with its exact divergence, the two things a continuous
/// normalizing flow integrates (d log p/dt = −div v).
/// </summary>
public interface IVelocityField
{
    /// <summary>
    /// v(x, t) with the shape of <paramref name="x"/> (batch first) and div v per batch row. <paramref name="t"/> is a
    /// 0-dimensional tensor of x's dtype.
    /// </summary>
    (Tensor Velocity, Tensor Divergence) Evaluate(Tensor x, Tensor t);
}
