using Orchestrator.Training.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Packing;

/// <summary>
/// <see cref="AdamL2"/> over a pack's stacked parameters ([M, …]): Adam is elementwise, so one update of the stacked
/// tensors is M independent Adams, here each with its own learning rate, β1, weight decay and step count (bias
/// correction). A member whose batch was skipped (non-finite) gets no update at all: its moments and weights stay as they were.
/// </summary>
public sealed class PackedAdam : IDisposable
{
    private Tensor[] _parameters;
    private Tensor[] _firstMoment;
    private Tensor[] _secondMoment;

    public PackedAdam(IEnumerable<Tensor> parameters, double beta2 = 0.999, double epsilon = 1e-8)
    {
        _parameters = parameters.ToArray();
        _firstMoment = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _secondMoment = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    public double Beta2 { get; }
    public double Epsilon { get; }

    /// <summary>One member's update: its learning rate and β1 (one-cycle), weight decay, and its step count after this update.</summary>
    public readonly record struct MemberUpdate(double LearningRate, double Beta1, double WeightDecay, long Step, bool Apply);

    public void ZeroGrad()
    {
        foreach (var p in _parameters)
            p.grad?.zero_();
    }

    /// <summary>One update of every member (slot order). Members with <c>Apply</c> false are left exactly as they are.</summary>
    public void Update(IReadOnlyList<MemberUpdate> members)
    {
        var m = members.Count;
        // Per-member factors as [M, 1, 1] tensors, broadcast over each parameter's [M, in, out] (every packed parameter has rank 3). A member that does not
        // apply keeps β = 1 and a zero step, so m, v and θ are unchanged (its gradient was zeroed by the caller).
        var factors = new float[7 * m];
        var anyDecay = false;
        for (var i = 0; i < m; i++)
        {
            var u = members[i];
            var correction1 = 1 - Math.Pow(u.Beta1, u.Step);
            var correction2 = 1 - Math.Pow(Beta2, u.Step);
            factors[i] = (float)u.WeightDecay;
            factors[m + i] = u.Apply ? (float)u.Beta1 : 1f;
            factors[2 * m + i] = u.Apply ? (float)(1 - u.Beta1) : 0f;
            factors[3 * m + i] = u.Apply ? (float)Beta2 : 1f;
            factors[4 * m + i] = u.Apply ? (float)(1 - Beta2) : 0f;
            factors[5 * m + i] = u.Apply ? (float)(1 / Math.Sqrt(correction2)) : 1f;
            factors[6 * m + i] = u.Apply ? (float)(-u.LearningRate / correction1) : 0f;
            anyDecay |= u.WeightDecay != 0;
        }
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var device = _parameters[0].device;
        var f = tensor(factors, [7, m, 1, 1], device: device);
        var (decay, b1, oneMinusB1, b2, oneMinusB2, invSqrtCorrection2, stepSize) = (f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
        using var epsilon = Epsilon.ToScalar();
        for (var i = 0; i < _parameters.Length; i++)
        {
            var grad = _parameters[i].grad;
            if (grad is null)
                continue;
            using var step = NewDisposeScope();
            var g = anyDecay ? grad.addcmul(_parameters[i], decay, PackScalars.One) : grad;
            _firstMoment[i].mul_(b1).addcmul_(g, oneMinusB1, PackScalars.One);
            _secondMoment[i].mul_(b2).addcmul_(g.mul(oneMinusB2), g, PackScalars.One);
            var denominator = _secondMoment[i].sqrt().mul_(invSqrtCorrection2).add_(epsilon, PackScalars.One);
            _parameters[i].addcdiv_(_firstMoment[i].mul(stepSize), denominator, PackScalars.One);
        }
    }

    /// <summary>First then second moments, aligned with the parameters.</summary>
    public IReadOnlyList<Tensor> StateTensors => [.. _firstMoment, .. _secondMoment];

    /// <summary>Takes over the pack's moments from its members' standalone optimizers (their <see cref="AdamL2.StateTensors"/>).</summary>
    public void LoadMembers(IReadOnlyList<AdamL2> members)
    {
        using var _ = no_grad();
        var states = members.Select(a => a.StateTensors).ToArray();
        for (var i = 0; i < _firstMoment.Length; i++)
        {
            PackedFreeFormFlow.StackInto(_firstMoment[i], states.Select(s => s[i]).ToArray());
            PackedFreeFormFlow.StackInto(_secondMoment[i], states.Select(s => s[_parameters.Length + i]).ToArray());
        }
    }

    /// <summary>Gives slot <paramref name="slot"/>'s moments back to its member's standalone optimizer (for its checkpoint).</summary>
    public void CopyTo(long slot, AdamL2 member, long step)
    {
        using var scope = NewDisposeScope();
        var state = new Tensor[2 * _parameters.Length];
        for (var i = 0; i < _parameters.Length; i++)
        {
            var memberShape = member.StateTensors[i].shape;
            state[i] = zeros(memberShape, device: _firstMoment[i].device);
            state[_parameters.Length + i] = zeros(memberShape, device: _firstMoment[i].device);
            PackedFreeFormFlow.CopySlot(_firstMoment[i], slot, state[i]);
            PackedFreeFormFlow.CopySlot(_secondMoment[i], slot, state[_parameters.Length + i]);
        }
        member.Restore(state, step);
    }

    /// <summary>Keeps only the given slots' moments and follows the (shrunk) pack's new parameters.</summary>
    public void Keep(Tensor slots, IEnumerable<Tensor> parameters)
    {
        _parameters = parameters.ToArray();
        _firstMoment = Select(_firstMoment, slots);
        _secondMoment = Select(_secondMoment, slots);
    }

    private static Tensor[] Select(Tensor[] tensors, Tensor slots)
    {
        var kept = tensors.Select(t => t.index_select(0, slots).DetachFromDisposeScope()).ToArray();
        foreach (var t in tensors)
            t.Dispose();
        return kept;
    }

    public void Dispose()
    {
        foreach (var t in _firstMoment.Concat(_secondMoment))
            t.Dispose();
    }
}
