using static TorchSharp.torch;

namespace Orchestrator.Training.Sbi;

/// <summary>
/// One sbibm benchmark task: a prior over parameters θ and a simulator x ~ p(x | θ).
/// All tensors are float64 on the CPU, one row per sample; randomness comes only from the given generator,
/// so the same seed reproduces the same data.
/// </summary>
public interface ISbiTask
{
    /// <summary>sbibm name, e.g. "two_moons".</summary>
    string Name { get; }

    /// <summary>Dimension of θ.</summary>
    int ThetaDim { get; }

    /// <summary>Dimension of x.</summary>
    int XDim { get; }

    /// <summary>Draws n parameters from the prior: [n, ThetaDim].</summary>
    Tensor SamplePrior(int n, Generator rng);

    /// <summary>Simulates one x per row of θ: [n, XDim]. A failed simulation is a row of NaN.</summary>
    Tensor Simulate(Tensor theta, Generator rng);

    /// <summary>Whether each row of θ lies in the prior's support: bool [n].</summary>
    Tensor InPriorSupport(Tensor theta);
}
