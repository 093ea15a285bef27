using static TorchSharp.torch;

namespace Orchestrator.Training.Packing;

/// <summary>
/// The members' (θ, x) rows stacked for a pack: member m's n_m rows at [m·R, m·R + n_m) of a flat [M·R, ·] tensor,
/// R the largest n_m; the rest of each block repeats the member's first row (finite padding, always masked out).
/// One index_select then gathers every member's batch at once.
/// </summary>
internal sealed class PackedData : IDisposable
{
    private readonly Tensor _theta;
    private readonly Tensor _x;
    private readonly long[] _counts;

    public PackedData(IReadOnlyList<(Tensor Theta, Tensor X)> members)
    {
        _counts = members.Select(m => m.Theta.shape[0]).ToArray();
        Rows = Math.Max(1, _counts.Max());
        Dim = members[0].Theta.shape[1];
        _theta = Stack(members.Select(m => m.Theta).ToList(), Rows);
        _x = Stack(members.Select(m => m.X).ToList(), Rows);
    }

    /// <summary>Rows R of each member's block.</summary>
    public long Rows { get; }

    public long Dim { get; }

    /// <summary>Where member <paramref name="slot"/>'s rows start in the flat tensors.</summary>
    public long Offset(int slot) => slot * Rows;

    /// <summary>Rows at these flat indices as [M, B, ·] (member-major).</summary>
    public (Tensor Theta, Tensor X) Gather(long[] index, int members, int batch)
    {
        using var rows = tensor(index, device: _theta.device);
        return (_theta.index_select(0, rows).view(members, batch, -1), _x.index_select(0, rows).view(members, batch, -1));
    }

    /// <summary>Rows [start, start + length) of every member's block: [M, length, ·] views.</summary>
    public (Tensor Theta, Tensor X) Slice(long start, long length)
    {
        var m = _counts.Length;
        return (_theta.view(m, Rows, -1).narrow(1, start, length), _x.view(m, Rows, -1).narrow(1, start, length));
    }

    /// <summary>1 where row start + j is one of member m's real rows, 0 for padding: [M, length], float64.</summary>
    public Tensor RowMask(long start, long length)
    {
        var mask = new double[_counts.Length * length];
        for (var m = 0; m < _counts.Length; m++)
            for (var j = 0; j < length; j++)
                mask[m * length + j] = start + j < _counts[m] ? 1 : 0;
        return tensor(mask, [_counts.Length, length], device: _theta.device);
    }

    private static Tensor Stack(IReadOnlyList<Tensor> members, long rows)
    {
        using var scope = NewDisposeScope();
        var blocks = members.Select(t =>
        {
            var n = t.shape[0];
            if (n == rows)
                return t;
            var filler = n == 0 ? zeros(rows, t.shape[1], dtype: t.dtype, device: t.device) : t[..1].expand(rows - n, -1);
            return n == 0 ? filler : cat([t, filler], 0);
        });
        return cat(blocks.ToArray(), 0).MoveToOuterDisposeScope().DetachFromDisposeScope();
    }

    public void Dispose()
    {
        _theta.Dispose();
        _x.Dispose();
    }
}
