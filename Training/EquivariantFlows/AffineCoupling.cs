using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>
/// One RealNVP affine coupling on y = [a, b] (a: the first ⌊n/2⌋ coordinates): b' = b ⊙ exp(s(a)) + t(a) with
/// s = tanh(·) bounded for stability, output [b', a] so that the next coupling transforms the other half.
/// The conditioner's last layer starts at zero, so every coupling starts as the identity (up to the swap).
/// </summary>
public sealed class AffineCoupling : nn.Module
{
    private readonly nn.Module<Tensor, Tensor> _conditioner;
    private readonly int _kept, _transformed;

    public AffineCoupling(int dimension, int hidden, Generator rng) : base("affine_coupling")
    {
        _kept = dimension / 2;
        _transformed = dimension - _kept;
        var first = SeededLinear(_kept, hidden, rng);
        var second = SeededLinear(hidden, hidden, rng);
        var last = nn.Linear(hidden, 2 * _transformed, dtype: float64);
        using (no_grad())
        {
            last.weight!.zero_();
            last.bias!.zero_();
        }
        _conditioner = nn.Sequential(first, nn.SiLU(), second, nn.SiLU(), last);
        register_module("conditioner", _conditioner);
    }

    /// <summary>PyTorch's default Linear initialisation, U(−1/√fan_in, 1/√fan_in), drawn from <paramref name="rng"/>.</summary>
    private static TorchSharp.Modules.Linear SeededLinear(int inputs, int outputs, Generator rng)
    {
        var layer = nn.Linear(inputs, outputs, dtype: float64);
        var bound = 1 / Math.Sqrt(inputs);
        using (no_grad())
        {
            layer.weight!.uniform_(-bound, bound, generator: rng);
            layer.bias!.uniform_(-bound, bound, generator: rng);
        }
        return layer;
    }

    /// <summary>Normalising direction: returns the output and log|det| per row.</summary>
    public (Tensor Y, Tensor LogDet) Forward(Tensor y)
    {
        using var scope = NewDisposeScope();
        var a = y[.., ..(int)_kept];
        var b = y[.., (int)_kept..];
        var (s, t) = ScaleShift(a);
        var transformed = b * s.exp() + t;
        return (cat([transformed, a], 1).MoveToOuterDisposeScope(), s.sum(1).MoveToOuterDisposeScope());
    }

    /// <summary>Generating direction (the inverse of <see cref="Forward"/>): returns the input and log|det| of the inverse.</summary>
    public (Tensor Y, Tensor LogDet) Inverse(Tensor output)
    {
        using var scope = NewDisposeScope();
        var transformed = output[.., ..(int)_transformed];
        var a = output[.., (int)_transformed..];
        var (s, t) = ScaleShift(a);
        var b = (transformed - t) * s.neg().exp();
        return (cat([a, b], 1).MoveToOuterDisposeScope(), s.sum(1).neg().MoveToOuterDisposeScope());
    }

    private (Tensor S, Tensor T) ScaleShift(Tensor a)
    {
        var raw = _conditioner.forward(a);
        return (raw[.., ..(int)_transformed].tanh(), raw[.., (int)_transformed..]);
    }
}
