using static TorchSharp.torch;

namespace Orchestrator.Training.Optimization;

/// <summary>
/// Adam with L2 weight decay added to the gradient (PyTorch's Adam, not AdamW). Written out so that β1 can
/// follow the one-cycle schedule and the whole state (moments, step) saves to and loads from a checkpoint.
/// </summary>
public sealed class AdamL2 : IDisposable
{
    private readonly Tensor[] _parameters;
    private readonly Tensor[] _firstMoment;
    private readonly Tensor[] _secondMoment;

    public AdamL2(IEnumerable<Tensor> parameters, double weightDecay, double beta2 = 0.999, double epsilon = 1e-8)
    {
        _parameters = parameters.ToArray();
        _firstMoment = _parameters.Select(p => zeros_like(p)).ToArray();
        _secondMoment = _parameters.Select(p => zeros_like(p)).ToArray();
        WeightDecay = weightDecay;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    public double WeightDecay { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }

    /// <summary>Number of updates taken so far.</summary>
    public long Step { get; private set; }

    public void ZeroGrad()
    {
        foreach (var p in _parameters)
            p.grad?.zero_();
    }

    /// <summary>One update with the given learning rate and β1. Parameters without a gradient are left alone.</summary>
    public void Update(double learningRate, double beta1)
    {
        Step++;
        var correction1 = 1 - Math.Pow(beta1, Step);
        var correction2 = 1 - Math.Pow(Beta2, Step);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        for (var i = 0; i < _parameters.Length; i++)
        {
            var grad = _parameters[i].grad;
            if (grad is null)
                continue;
            var g = WeightDecay == 0 ? grad : grad.add(_parameters[i], alpha: WeightDecay);
            _firstMoment[i].mul_(beta1).add_(g, alpha: 1 - beta1);
            _secondMoment[i].mul_(Beta2).addcmul_(g, g, value: 1 - Beta2);
            var denominator = (_secondMoment[i].sqrt() / Math.Sqrt(correction2)).add_(Epsilon);
            _parameters[i].addcdiv_(_firstMoment[i], denominator, value: -learningRate / correction1);
        }
    }

    /// <summary>The moments in a fixed order, for checkpoints.</summary>
    public IReadOnlyList<Tensor> StateTensors => [.. _firstMoment, .. _secondMoment];

    public void Restore(IReadOnlyList<Tensor> state, long step)
    {
        if (state.Count != 2 * _parameters.Length)
            throw new ArgumentException($"Optimizer state has {state.Count} tensors; expected {2 * _parameters.Length}.");
        using var _ = no_grad();
        for (var i = 0; i < _parameters.Length; i++)
        {
            _firstMoment[i].copy_(state[i]);
            _secondMoment[i].copy_(state[_parameters.Length + i]);
        }
        Step = step;
    }

    public void Dispose()
    {
        foreach (var t in _firstMoment.Concat(_secondMoment))
            t.Dispose();
    }
}
