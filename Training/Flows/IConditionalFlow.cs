using static TorchSharp.torch;

namespace Orchestrator.Training.Flows;

/// <summary>
/// What the free-form flow loss and the exact likelihood need of a flow: an encoder f(θ; c) → z and a decoder
/// g(z; c) → θ acting on rows of the last-but-one dimension. One flow (<see cref="FreeFormFlow"/>, [B, D]) or a pack
/// of M flows evaluated together (<c>Packing.PackedFreeFormFlow</c>, [M, B, D]).
/// </summary>
public interface IConditionalFlow
{
    /// <summary>Dimension D of θ and z.</summary>
    int Dim { get; }

    Tensor Encode(Tensor theta, Tensor c);

    Tensor Decode(Tensor z, Tensor c);
}
