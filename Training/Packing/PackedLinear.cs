using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Packing;

/// <summary>
/// M linear layers side by side: weight [M, in, out], bias [M, 1, out], y = x W + b on x [M, B, in] by one batched
/// matrix product and an add (TorchSharp's baddbmm misorders its arguments). Parameters are named as
/// <c>nn.Linear</c>'s ("weight", "bias"), so a pack's parameters line up name for name with its members'.
/// </summary>
public sealed class PackedLinear : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Parameter _weight;
    private readonly TorchSharp.Modules.Parameter _bias;

    /// <summary>Uninitialised: a pack's parameters are always copied from its members (<see cref="PackedFreeFormFlow"/>).</summary>
    public PackedLinear(long members, long inFeatures, long outFeatures) : base("packed_linear")
    {
        _weight = new TorchSharp.Modules.Parameter(empty(members, inFeatures, outFeatures));
        _bias = new TorchSharp.Modules.Parameter(empty(members, 1, outFeatures));
        register_parameter("weight", _weight);
        register_parameter("bias", _bias);
    }

    public override Tensor forward(Tensor x) => bmm(x, _weight).add_(_bias, PackScalars.One);
}
