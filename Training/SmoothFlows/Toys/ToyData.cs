using Orchestrator.Training.Sampling;
using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows.Toys;

/// <summary>Size of the Metropolis data sets (spec §3: 100 × 100 walkers, 1,000 equilibration steps, 10 saved).</summary>
public sealed record ToyDataOptions(int GridSide = 100, int HeldOutGridSide = 45, MetropolisOptions? Metropolis = null)
{
    public MetropolisOptions Chain => Metropolis ?? new MetropolisOptions();
}

/// <summary>Training and held-out samples of a toy energy with their reference forces −∇U, float64.</summary>
public sealed class ToyData : IDisposable
{
    private ToyData(Tensor train, Tensor trainForce, Tensor heldOut, Tensor heldOutForce)
    {
        (Train, TrainForce, HeldOut, HeldOutForce) = (train, trainForce, heldOut, heldOutForce);
    }

    public Tensor Train { get; }
    public Tensor TrainForce { get; }
    public Tensor HeldOut { get; }
    public Tensor HeldOutForce { get; }

    /// <summary>
    /// Two independent Metropolis runs (reflecting in x, wrapping in y, as the spec's data protocol) seeded from
    /// <paramref name="seed"/>: one for training, one for held-out evaluation.
    /// </summary>
    public static ToyData Generate(RingEnergy energy, ToyDataOptions options, int seed)
    {
        using var scope = NewDisposeScope();
        BoxBoundary[] boundaries = [BoxBoundary.Reflect, BoxBoundary.Wrap];
        var train = Metropolis.Sample(energy.Energy, Metropolis.GridStart2D(options.GridSide, float64), boundaries,
            options.Chain, new Generator((ulong)seed));
        var heldOut = Metropolis.Sample(energy.Energy, Metropolis.GridStart2D(options.HeldOutGridSide, float64), boundaries,
            options.Chain, new Generator((ulong)seed + 7919));
        var data = new ToyData(train, energy.Force(train), heldOut, energy.Force(heldOut));
        foreach (var t in new[] { data.Train, data.TrainForce, data.HeldOut, data.HeldOutForce })
            t.MoveToOuterDisposeScope();
        return data;
    }

    public void Dispose()
    {
        Train.Dispose();
        TrainForce.Dispose();
        HeldOut.Dispose();
        HeldOutForce.Dispose();
    }
}
