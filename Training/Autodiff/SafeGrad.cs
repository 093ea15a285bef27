using static TorchSharp.torch;

namespace Orchestrator.Training.Autodiff;

/// <summary>
/// A guarded <c>autograd.grad</c>. Some misuse aborts the native process instead of throwing
/// (an output without a graph, an input the output does not use, reuse of a freed graph), so inputs are
/// validated here, unused inputs are allowed and come back as zeros, and retain_graph is always explicit.
/// </summary>
public static class SafeGrad
{
    /// <summary>Vector-Jacobian product: grad_outputsᵀ ∂outputs/∂input.</summary>
    public static Tensor Vjp(Tensor output, Tensor input, Tensor gradOutput, bool createGraph, bool retainGraph)
    {
        if (!output.requires_grad)
            throw new InvalidOperationException("Gradient requested of a tensor that has no autograd graph (requires_grad is false).");
        if (!input.requires_grad)
            throw new InvalidOperationException("Gradient requested with respect to a tensor that does not require grad.");
        if (!output.shape.SequenceEqual(gradOutput.shape))
            throw new ArgumentException($"grad_outputs shape [{string.Join(", ", gradOutput.shape)}] does not match output shape [{string.Join(", ", output.shape)}].");
        var result = autograd.grad([output], [input], [gradOutput], retain_graph: retainGraph, create_graph: createGraph, allow_unused: true)[0];
        return result.IsInvalid ? zeros_like(input) : result;
    }

    /// <summary>
    /// Jacobian-vector product J v of <paramref name="output"/> = h(<paramref name="input"/>) by two reverse passes
    /// ("double backward"): w(u) = Jᵀu is linear in u, so ∂(w·v)/∂u = J v. The graph of output is retained.
    /// The result is detached.
    /// </summary>
    public static Tensor Jvp(Tensor output, Tensor input, Tensor v)
    {
        using var scope = NewDisposeScope();
        var u = zeros_like(output).requires_grad_(true);
        var w = Vjp(output, input, u, createGraph: true, retainGraph: true);
        if (!w.requires_grad)
            return zeros_like(output).MoveToOuterDisposeScope(); // output does not depend on input
        var jv = Vjp(w, u, v, createGraph: false, retainGraph: true);
        return jv.detach().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Full Jacobians of a batch of maps R^D → R^D, one reverse pass per output dimension:
    /// returns [B, D, D] with J[b, i, j] = ∂output[b, i] / ∂input[b, j]. Rows are independent across the batch.
    /// Leading batch dimensions carry through ([M, B, D] → [M, B, D, D]).
    /// </summary>
    public static Tensor BatchJacobian(Tensor output, Tensor input)
    {
        var dim = (int)output.shape[^1];
        var rows = new Tensor[dim];
        using var scope = NewDisposeScope();
        for (var i = 0; i < dim; i++)
        {
            var selector = zeros_like(output);
            selector[TensorIndex.Ellipsis, i] = 1;
            rows[i] = Vjp(output, input, selector, createGraph: false, retainGraph: true).detach();
        }
        return stack(rows, dim: -2).MoveToOuterDisposeScope();
    }
}
