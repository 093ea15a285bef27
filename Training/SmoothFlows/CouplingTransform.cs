using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows;

/// <summary>
/// The elementwise transform of one coupling with its conditioner: maps the transformed coordinates [B, T]
/// given conditioning features [B, C], returning the result and the elementwise log-derivative [B, T].
/// </summary>
public abstract class CouplingTransform : nn.Module
{
    protected CouplingTransform(string name) : base(name)
    {
    }

    /// <summary>The analytic direction.</summary>
    public abstract (Tensor Y, Tensor LogDerivative) Forward(Tensor x, Tensor features);

    /// <summary>The inverse of <see cref="Forward"/> and its log-derivative (differentiable).</summary>
    public abstract (Tensor X, Tensor LogDerivative) Inverse(Tensor y, Tensor features);
}
