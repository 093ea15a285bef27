using TorchSharp;
using Orchestrator.Training.Numerics;
using static TorchSharp.torch;

namespace Orchestrator.Training.Data;

/// <summary>
/// z-scoring with statistics of the training set (as NPE does); undone on samples. Columns with zero spread
/// (e.g. a constant feature) keep unit scale instead of dividing by zero.
/// </summary>
public sealed class Standardizer : IDisposable
{
    public Standardizer(Tensor mean, Tensor std)
    {
        Mean = mean;
        Std = std;
    }

    /// <summary>Per-column mean [1, D].</summary>
    public Tensor Mean { get; }

    /// <summary>Per-column standard deviation [1, D] (unbiased).</summary>
    public Tensor Std { get; }

    /// <summary>Σ log std: the change of log density from standardized to original units.</summary>
    public double LogScale => Std.log().sum().ToDouble();

    public static Standardizer Fit(Tensor data)
    {
        using var scope = NewDisposeScope();
        var mean = data.mean([0], keepdim: true);
        var std = data.std(0, unbiased: true, keepdim: true);
        std = where(std > 1e-12, std, ones_like(std));
        return new Standardizer(mean.MoveToOuterDisposeScope(), std.MoveToOuterDisposeScope());
    }

    public Tensor Forward(Tensor data) => (data - Mean.to(data.dtype)) / Std.to(data.dtype);

    public Tensor Inverse(Tensor data) => (data * Std.to(data.dtype)).Plus(Mean.to(data.dtype));

    /// <summary>Moves both tensors out of the current dispose scope (the standardizer outlives it).</summary>
    public Standardizer MoveToOuter()
    {
        Mean.MoveToOuterDisposeScope();
        Std.MoveToOuterDisposeScope();
        return this;
    }

    public void Dispose()
    {
        Mean.Dispose();
        Std.Dispose();
    }
}
