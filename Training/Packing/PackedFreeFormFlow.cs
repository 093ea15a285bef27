using Orchestrator.Training.Flows;
using Orchestrator.Training.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Packing;

/// <summary>
/// M free-form flows of one architecture fused into one module: every linear layer holds the M members' weights stacked
/// ([M, in, out]), inputs are [M, B, D] (member m's batch in row m). Member m's slice computes exactly what member m's
/// standalone <see cref="FreeFormFlow"/> computes, so summing member losses gives each member its standalone gradient.
/// A pack is built from its members' standalone flows (<see cref="Pack"/>: member m's initial weights are its
/// standalone trial's) and gives each member's weights back to its flow (<see cref="CopyTo"/>).
/// </summary>
public sealed class PackedFreeFormFlow : nn.Module, IConditionalFlow
{
    private readonly nn.Module<Tensor, Tensor, Tensor> _encoder;
    private readonly nn.Module<Tensor, Tensor, Tensor> _decoder;

    private PackedFreeFormFlow(string architecture, long members, int dim, int conditionDim, bool identityInit) : base("packed_free_form_flow")
    {
        _encoder = Network(architecture, members, dim, conditionDim, identityInit);
        _decoder = Network(architecture, members, dim, conditionDim, identityInit);
        Dim = dim;
        Members = members;
        Architecture = architecture;
        ConditionDim = conditionDim;
        IdentityInit = identityInit;
        RegisterComponents();
    }

    public int Dim { get; }

    /// <summary>Number M of member flows in the pack.</summary>
    public long Members { get; }

    public string Architecture { get; }
    public int ConditionDim { get; }
    public bool IdentityInit { get; }

    public Tensor Encode(Tensor theta, Tensor c) => _encoder.forward(theta, c);

    public Tensor Decode(Tensor z, Tensor c) => _decoder.forward(z, c);

    private static nn.Module<Tensor, Tensor, Tensor> Network(string architecture, long members, int dim, int conditionDim, bool identityInit)
    {
        nn.Module<Tensor, Tensor, Tensor> net = architecture switch
        {
            Architectures.Reference => new PackedReferenceSbiNet(members, dim, conditionDim),
            Architectures.ResNetSmall => PackedResidualNet.Small(members, dim, conditionDim),
            Architectures.ResNetLarge => PackedResidualNet.Large(members, dim, conditionDim),
            _ => throw new ArgumentException($"Architecture '{architecture}' is not known: expected one of {string.Join(", ", Architectures.Names)}."),
        };
        return identityInit ? new PackedIdentitySkip(net) : net;
    }

    /// <summary>A pack of the given standalone flows (all of the named architecture), on their device.</summary>
    public static PackedFreeFormFlow Pack(IReadOnlyList<FreeFormFlow> members, string architecture, int conditionDim, bool identityInit)
    {
        if (members.Count == 0)
            throw new ArgumentException("A pack needs at least one member.");
        var packed = new PackedFreeFormFlow(architecture, members.Count, members[0].Dim, conditionDim, identityInit);
        RequireSameNames(packed, members[0]);
        var device = members[0].parameters().First().device;
        packed.to(device);
        var memberParameters = members.Select(m => m.parameters().ToArray()).ToArray();
        using var _ = no_grad();
        var index = 0;
        foreach (var parameter in packed.parameters())
        {
            var i = index++;
            StackInto(parameter, memberParameters.Select(p => p[i]).ToArray());
        }
        return packed;
    }

    /// <summary>Copies member <paramref name="slot"/>'s weights into its standalone flow.</summary>
    public void CopyTo(long slot, FreeFormFlow member)
    {
        using var _ = no_grad();
        foreach (var (packed, target) in parameters().Zip(member.parameters()))
            CopySlot(packed, slot, target);
    }

    /// <summary>A new pack holding only the given slots, in that order (the members that go on training).</summary>
    public PackedFreeFormFlow Keep(Tensor slots)
    {
        var kept = new PackedFreeFormFlow(Architecture, slots.shape[0], Dim, ConditionDim, IdentityInit);
        kept.to(parameters().First().device);
        using var _ = no_grad();
        foreach (var (target, source) in kept.parameters().Zip(parameters()))
        {
            using var rows = source.index_select(0, slots);
            target.copy_(rows);
        }
        return kept;
    }

    /// <summary>Stacks members' tensors (a parameter or an Adam moment, in the standalone layout) into a pack's tensor.</summary>
    internal static void StackInto(Tensor packed, IReadOnlyList<Tensor> members)
    {
        using var scope = NewDisposeScope();
        var slots = members.Select(ToSlotLayout).ToArray();
        if (!slots[0].shape.SequenceEqual(packed.shape.Skip(1)))
            throw new InvalidOperationException(
                $"A member tensor of shape [{string.Join(", ", members[0].shape)}] does not fit the pack's [{string.Join(", ", packed.shape)}].");
        packed.copy_(stack(slots));
    }

    /// <summary>Copies slot <paramref name="slot"/> of a pack's tensor into a member's tensor (standalone layout).</summary>
    internal static void CopySlot(Tensor packed, long slot, Tensor member)
    {
        using var scope = NewDisposeScope();
        var row = packed[slot];
        member.copy_(member.dim() == 2 ? row.t() : row.view(member.shape));
    }

    // nn.Linear keeps weight [out, in] and bias [out]; a pack keeps [M, in, out] and [M, 1, out].
    private static Tensor ToSlotLayout(Tensor member) => member.dim() == 2 ? member.t() : member.unsqueeze(0);

    private static void RequireSameNames(PackedFreeFormFlow packed, FreeFormFlow member)
    {
        var packedNames = packed.named_parameters().Select(p => p.name).ToArray();
        var memberNames = member.named_parameters().Select(p => p.name).ToArray();
        if (!packedNames.SequenceEqual(memberNames))
            throw new InvalidOperationException("The packed network's parameters do not line up with the standalone network's: "
                + string.Join(", ", packedNames.Zip(memberNames).Where(p => p.First != p.Second).Take(3).Select(p => $"{p.First} ≠ {p.Second}")));
    }
}
