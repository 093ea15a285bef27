using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Evaluation;

/// <summary>
/// Scalars (and 0-dimensional tensors) for libtorch calls, created once per value and disposed together. Passing a temporary Scalar
/// (e.g. an implicit double → Scalar conversion) lets the GC finalise it while the native call still reads it;
/// in a loop of millions of calls that eventually corrupts an operation, so the hot loop only uses these.
/// Tensors are detached from dispose scopes; Scalars are made by <see cref="Prepare"/>, outside the loop.
/// </summary>
internal sealed class ScalarCache : IDisposable
{
    private readonly Dictionary<double, Scalar> _values = [];
    private readonly Dictionary<double, Tensor> _tensors = [];
    private readonly Device _device;

    public ScalarCache(Device device)
    {
        _device = device;
    }

    /// <summary>
    /// Creates the Scalars for these values. Call it outside any short-lived dispose scope: a Scalar created
    /// inside one would be disposed with it.
    /// </summary>
    public void Prepare(IEnumerable<double> values)
    {
        foreach (var value in values)
        {
            if (!_values.ContainsKey(value))
                _values[value] = value.ToScalar();
        }
    }

    /// <summary>The prepared Scalar for this value.</summary>
    public Scalar Get(double value) => _values.TryGetValue(value, out var scalar)
        ? scalar
        : throw new InvalidOperationException($"Scalar {value} was not prepared.");

    /// <summary>A 0-dimensional float32 tensor holding the value (for ops such as lerp_ that take a tensor weight).</summary>
    public Tensor Tensor(double value)
    {
        if (!_tensors.TryGetValue(value, out var t))
        {
            t = tensor((float)value, device: _device).DetachFromDisposeScope();
            _tensors[value] = t;
        }
        return t;
    }

    public void Dispose()
    {
        foreach (var t in _tensors.Values)
            t.Dispose();
        _tensors.Clear();
        foreach (var scalar in _values.Values)
            scalar.Dispose();
        _values.Clear();
    }
}
