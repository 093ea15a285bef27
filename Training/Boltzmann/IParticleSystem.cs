using static TorchSharp.torch;

namespace Orchestrator.Training.Boltzmann;

/// <summary>
/// A system of <see cref="ParticleCount"/> identical particles in <see cref="Dimensions"/> dimensions with a
/// potential energy U at kT = 1. Configurations are flat rows [B, N·D] (particle-major: x_0, y_0, x_1, …),
/// the layout of the .npy splits. Forces come from <see cref="ParticleForces.Forces"/> (autograd of U).
/// </summary>
public interface IParticleSystem
{
    /// <summary>Short name used in specs and file names ("dw4", "lj13", "lj55").</summary>
    string Name { get; }

    int ParticleCount { get; }

    int Dimensions { get; }

    /// <summary>U(x) for each row of x [B, N·D]; returns [B]. Differentiable in x.</summary>
    Tensor Energy(Tensor x);
}
