using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Sampling;

/// <summary>How a coordinate of the unit box treats a proposal that leaves [0, 1].</summary>
public enum BoxBoundary
{
    /// <summary>Mirror back into the box (x → −x, x → 2 − x).</summary>
    Reflect,

    /// <summary>Periodic: x → x mod 1.</summary>
    Wrap,
}

/// <summary>Settings of a vectorised random-walk Metropolis run in the unit box.</summary>
/// <param name="StepSize">Standard deviation of the Gaussian proposal.</param>
/// <param name="Equilibration">Steps discarded before saving.</param>
/// <param name="SavedSteps">Steps whose states are all kept (walkers × SavedSteps samples).</param>
public sealed record MetropolisOptions(double StepSize = 0.1, int Equilibration = 1000, int SavedSteps = 10);

/// <summary>
/// Random-walk Metropolis for many independent walkers at once in [0, 1]^D (symmetric proposals, so the
/// reflecting and wrapping boundaries keep detailed balance). Generic over the energy; seeded by its generator.
/// </summary>
public static class Metropolis
{
    /// <summary>Samples [walkers · SavedSteps, D] of exp(−U) starting from <paramref name="start"/> [walkers, D].</summary>
    public static Tensor Sample(Func<Tensor, Tensor> energy, Tensor start, IReadOnlyList<BoxBoundary> boundaries,
        MetropolisOptions options, Generator generator)
    {
        if (boundaries.Count != start.shape[1])
            throw new ArgumentException($"{boundaries.Count} boundaries for {start.shape[1]} dimensions.");
        using var _ = no_grad();
        using var step = options.StepSize.ToScalar();
        var wrap = tensor(boundaries.Select(b => b == BoxBoundary.Wrap).ToArray(), device: start.device);
        var x = start.clone().DetachFromDisposeScope();
        var u = energy(x).DetachFromDisposeScope();
        var saved = new List<Tensor>();
        for (var i = 0; i < options.Equilibration + options.SavedSteps; i++)
        {
            using var scope = NewDisposeScope();
            var proposal = Confine(x + randn(x.shape, dtype: x.dtype, device: x.device, generator: generator) * step, wrap);
            var proposedEnergy = energy(proposal);
            var accept = rand(u.shape, dtype: x.dtype, device: x.device, generator: generator).log().lt(u - proposedEnergy);
            x.copy_(where(accept.unsqueeze(1), proposal, x));
            u.copy_(where(accept, proposedEnergy, u));
            if (i >= options.Equilibration)
                saved.Add(x.clone().MoveToOuterDisposeScope());
        }
        var samples = cat(saved, 0);
        foreach (var t in saved.Append(x).Append(u))
            t.Dispose();
        return samples;
    }

    /// <summary>Walkers on the cell centres of a side × side grid in [0, 1]² (the spec's 100 × 100 start).</summary>
    public static Tensor GridStart2D(int side, ScalarType dtype)
    {
        var centres = (arange(side, dtype: dtype) + 0.5) / side;
        var grid = meshgrid([centres, centres], indexing: "ij");
        return stack([grid[0].flatten(), grid[1].flatten()], 1);
    }

    private static Tensor Confine(Tensor x, Tensor wrap)
    {
        var reflected = x.abs();
        reflected = where(reflected.gt(Constants.One), Constants.Two - reflected, reflected);
        return where(wrap, x.remainder(Constants.One), reflected);
    }

    private static class Constants
    {
        public static readonly Scalar One = 1.0.ToScalar();
        public static readonly Scalar Two = 2.0.ToScalar();
    }
}
