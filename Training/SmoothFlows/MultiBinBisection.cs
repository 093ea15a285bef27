using TorchSharp;
using Orchestrator.Training.Numerics;
using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows;

/// <summary>Settings of the black-box inverse (spec §2).</summary>
/// <param name="Bins">Grid points per bracket and round; the bracket shrinks by Bins − 1 per round.</param>
/// <param name="Tolerance">Stop when every bracket is narrower than this.</param>
/// <param name="MaxIterations">Upper bound on the rounds.</param>
/// <param name="Float64">Solve in float64 (1e-6 brackets are below float32's resolution near 1).</param>
/// <param name="GradientOrder">Exact derivatives of the inverse up to this order (1 or 2; see <see cref="ImplicitInverse"/>).</param>
public sealed record InversionOptions(int Bins = 100, double Tolerance = 1e-6, int MaxIterations = 100, bool Float64 = true, int GradientOrder = 2)
{
    public void Validate()
    {
        if (Bins < 2)
            throw new ArgumentException($"Inversion bins must be at least 2 (got {Bins}).");
        if (Tolerance <= 0 || MaxIterations < 1)
            throw new ArgumentException("Inversion tolerance must be positive and iterations at least 1.");
        if (GradientOrder is < 1 or > 2)
            throw new ArgumentException($"Inversion gradient order is 1 or 2 (got {GradientOrder}).");
    }
}

/// <summary>
/// Solves F(x) = y elementwise for a monotone F: [0, 1] → [0, 1] by multi-bin bisection: evaluate F on a grid of
/// N points inside every element's bracket in one batched call, keep the cell that contains y, repeat.
/// No gradients: <see cref="ImplicitInverse"/> attaches them at the root.
/// </summary>
public static class MultiBinBisection
{
    /// <summary>
    /// The root x ∈ [0, 1] of <paramref name="forward"/>(x) = y. <paramref name="forward"/> maps a grid [..., N] to
    /// F [..., N] (the element axes of y followed by the grid axis).
    /// </summary>
    public static Tensor Solve(Func<Tensor, Tensor> forward, Tensor y, InversionOptions options)
    {
        options.Validate();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var steps = linspace(0, 1, options.Bins, dtype: y.dtype, device: y.device);
        using var lastCell = ((long)options.Bins - 2).ToScalar();
        var lower = zeros_like(y).unsqueeze(-1);
        var width = ones_like(y).unsqueeze(-1);
        var target = y.unsqueeze(-1);
        for (var round = 0; round < options.MaxIterations && width.max().ToDouble() >= options.Tolerance; round++)
        {
            var grid = lower.Plus(width * steps);
            var below = forward(grid).lt(target).sum(-1, true, ScalarType.Int64);
            var cell = (below - Constants.OneIndex).clamp(Constants.ZeroIndex, lastCell);
            lower = grid.gather(-1, cell);
            width = grid.gather(-1, cell.add(Constants.OneIndex, Constants.OneIndex)) - lower;
        }
        return lower.Plus(Constants.Half * width).squeeze(-1).MoveToOuterDisposeScope();
    }
}
