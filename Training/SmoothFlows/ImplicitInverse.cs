using Orchestrator.Training.Numerics;
using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows;

/// <summary>
/// Gradients of a black-box inverse x = F⁻¹(y; θ) by the implicit function theorem, without backpropagating
/// through the bisection (spec §2). From the detached root x₀, each Newton step
/// x ← x + (y − F(x; θ)) / F′(x; θ) is evaluated with the graph enabled. At the root its value is unchanged, and
/// because the Newton map has zero derivative in x there, one step carries the exact first derivatives
/// (∂x/∂y = 1/F′, ∂x/∂θ = −∂F/∂θ / F′, θ including the conditioning input), two steps the exact second derivatives
/// (∂²x/∂y² = −F″/F′³ …), so forces of the inverse can be trained again. The inverse log-det −log F′(x) is then
/// evaluated at the attached x, which gives its force −F″/F′² and its parameter gradients.
/// </summary>
public static class ImplicitInverse
{
    /// <summary>The attached inverse and log |dx/dy|. <paramref name="forward"/> gives F(x) and log F′(x) with a graph.</summary>
    public static (Tensor X, Tensor LogDerivative) Attach(Tensor root, Tensor y, Func<Tensor, (Tensor Y, Tensor LogDerivative)> forward, int order)
    {
        var x = root.detach();
        if (is_grad_enabled())
        {
            for (var step = 0; step < order; step++)
            {
                var (f, logDerivative) = forward(x);
                x = x.Plus((y - f) / logDerivative.exp());
            }
        }
        var (_, logAtRoot) = forward(x);
        return (x, -logAtRoot);
    }
}
