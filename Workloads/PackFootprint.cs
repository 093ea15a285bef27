namespace Orchestrator.Workloads;

/// <summary>
/// What one member of a pack costs per training step, from its shapes alone (no tensors): what <c>pack: auto</c> sizes
/// packs by (see the grains' PackSizing).
/// </summary>
/// <param name="Parameters">Trainable values of one member (all its networks).</param>
/// <param name="Layers">Weight layers of one member: a step's per-operation overhead grows with them, and a pack pays it once for all members.</param>
/// <param name="ActivationsPerRow">Floats a step keeps per batch row for its backward passes (every layer's output, once per pass).</param>
/// <param name="BatchSize">Rows per step.</param>
public sealed record PackFootprint(long Parameters, int Layers, long ActivationsPerRow, int BatchSize)
{
    /// <summary>Bytes one member holds while it trains (float32): weights, gradients and Adam's two moments, plus one step's activations.</summary>
    public long Bytes => 4 * (4 * Parameters + BatchSize * ActivationsPerRow);

    /// <summary>Parameter × row products of one step: its matrix-product work, up to a constant of the loss.</summary>
    public double ParameterRows => (double)Parameters * BatchSize;
}
