using Orchestrator.Training.Autodiff;
using static TorchSharp.torch;

namespace Orchestrator.Training.Boltzmann;

/// <summary>Forces F = −∇U and the equipartition kT estimate, for any particle system.</summary>
public static class ParticleForces
{
    /// <summary>F = −∇U(x) for each row of x [B, N·D]; returns a detached [B, N·D] tensor.</summary>
    public static Tensor Forces(this IParticleSystem system, Tensor x)
    {
        using var scope = NewDisposeScope();
        using var enableGrad = enable_grad();
        var input = x.detach().requires_grad_(true);
        var energy = system.Energy(input);
        var gradient = SafeGrad.Vjp(energy, input, ones_like(energy), createGraph: false, retainGraph: false);
        return gradient.neg().detach().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The equipartition (configurational temperature) estimate kT = E|∇U|² / E[ΔU] over the rows of x. For samples
    /// of exp(−U/kT) it equals kT; a wrong energy convention (e.g. a halved LJ sum) shows up as a wrong kT.
    /// </summary>
    public static double EquipartitionTemperature(this IParticleSystem system, Tensor x, int batchSize = 1000)
    {
        double gradientSquared = 0, laplacian = 0;
        var rows = x.shape[0];
        for (long start = 0; start < rows; start += batchSize)
        {
            using var scope = NewDisposeScope();
            using var enableGrad = enable_grad();
            var input = x.narrow(0, start, Math.Min(batchSize, rows - start)).detach().to(ScalarType.Float64).requires_grad_(true);
            var energy = system.Energy(input);
            var gradient = SafeGrad.Vjp(energy, input, ones_like(energy), createGraph: true, retainGraph: true);
            gradientSquared += (gradient * gradient).sum().item<double>();
            // ΔU exactly: one reverse pass per coordinate (N·D ≤ 165 here), each the diagonal entry of the Hessian.
            var columns = (int)input.shape[1];
            for (var i = 0; i < columns; i++)
            {
                var retain = i < columns - 1;
                var secondDerivative = SafeGrad.Vjp(gradient[.., i], input, ones_like(energy), createGraph: false, retainGraph: retain);
                laplacian += secondDerivative[.., i].sum().item<double>();
            }
        }
        return gradientSquared / laplacian;
    }
}
