using Orchestrator.Training.Flows;
using Orchestrator.Training.Networks;
using Orchestrator.Training.Packing;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Packing;

/// <summary>A pack of flows is its members side by side: the same weights and the same outputs per member, for every architecture.</summary>
[Collection(DefaultGeneratorCollection.Name)]
public sealed class PackedFreeFormFlowTests
{
    private const int Dim = 3, ConditionDim = 4, Members = 3, Batch = 5;

    public static TheoryData<string, bool> Architectures_ => new()
    {
        { Architectures.Reference, false },
        { Architectures.ResNetSmall, true },
        { Architectures.ResNetLarge, false },
    };

    [Theory]
    [MemberData(nameof(Architectures_))]
    public void Each_member_of_a_pack_computes_its_standalone_flow(string architecture, bool identityInit)
    {
        var members = Enumerable.Range(0, Members).Select(seed =>
        {
            manual_seed(seed);
            return FreeFormFlow.Create(architecture, Dim, ConditionDim, identityInit);
        }).ToList();
        using var packed = PackedFreeFormFlow.Pack(members, architecture, ConditionDim, identityInit);
        var rng = new Generator(7);
        var theta = randn([Members, Batch, Dim], generator: rng);
        var c = randn([Members, Batch, ConditionDim], generator: rng);

        using var _ = no_grad();
        var z = packed.Encode(theta, c);
        var back = packed.Decode(z, c);
        for (var m = 0; m < Members; m++)
        {
            var zAlone = members[m].Encode(theta[m], c[m]);
            Assert.True((z[m] - zAlone).abs().max().ToDouble() < 1e-5, $"{architecture}: member {m}'s encoder differs");
            Assert.True((back[m] - members[m].Decode(zAlone, c[m])).abs().max().ToDouble() < 1e-5, $"{architecture}: member {m}'s decoder differs");
        }
    }

    [Fact]
    public void Weights_copied_out_of_a_shrunk_pack_are_the_members_own()
    {
        var members = Enumerable.Range(0, Members).Select(seed =>
        {
            manual_seed(seed);
            return FreeFormFlow.Create(Architectures.ResNetSmall, Dim, ConditionDim, identityInit: false);
        }).ToList();
        using var packed = PackedFreeFormFlow.Pack(members, Architectures.ResNetSmall, ConditionDim, identityInit: false);
        using var shrunk = packed.Keep(tensor(new long[] { 2, 0 }));
        manual_seed(99);
        using var target = FreeFormFlow.Create(Architectures.ResNetSmall, Dim, ConditionDim, identityInit: false);

        shrunk.CopyTo(0, target); // slot 0 of the shrunk pack is member 2

        foreach (var (expected, actual) in members[2].parameters().Zip(target.parameters()))
            Assert.Equal(0, (expected - actual).abs().max().ToDouble());
    }
}
