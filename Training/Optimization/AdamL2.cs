using TorchSharp;
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
        // Scalars are created once per update and outlive every native call that reads them: a temporary
        // Scalar (an implicit double conversion, or an API's default alpha) can be finalised mid-call.
        using var one = 1.0.ToScalar();
        using var decay = WeightDecay.ToScalar();
        using var b1 = beta1.ToScalar();
        using var oneMinusB1 = (1 - beta1).ToScalar();
        using var b2 = Beta2.ToScalar();
        using var oneMinusB2 = (1 - Beta2).ToScalar();
        using var epsilon = Epsilon.ToScalar();
        using var invSqrtCorrection2 = (1 / Math.Sqrt(correction2)).ToScalar();
        using var stepSize = (-learningRate / correction1).ToScalar();
        for (var i = 0; i < _parameters.Length; i++)
        {
            var grad = _parameters[i].grad;
            if (grad is null)
                continue;
            using var scope = NewDisposeScope();
            var g = WeightDecay == 0 ? grad : grad.add(_parameters[i], decay);
            _firstMoment[i].mul_(b1).add_(g, oneMinusB1);
            _secondMoment[i].mul_(b2).addcmul_(g, g, oneMinusB2);
            var denominator = _secondMoment[i].sqrt().mul_(invSqrtCorrection2).add_(epsilon, one);
            _parameters[i].addcdiv_(_firstMoment[i], denominator, stepSize);
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
