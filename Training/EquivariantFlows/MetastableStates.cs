using Orchestrator.Training.Boltzmann;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>
/// Distinct metastable states up to symmetry (rotation, reflection, translation, permutation): two minimised
/// configurations are the same state when their sorted pair-distance vectors agree within a tolerance.
/// </summary>
public sealed class MetastableStates
{
    private readonly List<double[]> _signatures = [];
    private readonly List<int> _counts = [];

    public MetastableStates(double tolerance = 0.05)
    {
        Tolerance = tolerance;
    }

    public double Tolerance { get; }

    /// <summary>Sorted pair distances of each state seen, in order of first appearance.</summary>
    public IReadOnlyList<double[]> Signatures => _signatures;

    /// <summary>How many configurations fell into each state.</summary>
    public IReadOnlyList<int> Counts => _counts;

    public int Count => _signatures.Count;

    /// <summary>Sorted pair distances per row of x [B, N·D]: [B, N(N−1)/2].</summary>
    public static double[][] Signature(IParticleSystem system, Tensor x)
    {
        using var scope = NewDisposeScope();
        var distances = ParticleGeometry.SquaredPairDistances(x, system.ParticleCount, system.Dimensions).sqrt();
        var (sorted, _) = distances.sort(-1);
        var rows = (int)sorted.shape[0];
        var columns = (int)sorted.shape[1];
        var flat = sorted.to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        return Enumerable.Range(0, rows).Select(r => flat.AsSpan(r * columns, columns).ToArray()).ToArray();
    }

    /// <summary>Adds each signature to its state (or a new one); returns each row's state index.</summary>
    public int[] Add(IEnumerable<double[]> signatures) => signatures.Select(Add).ToArray();

    public int Add(double[] signature)
    {
        var index = Find(signature);
        if (index < 0)
        {
            _signatures.Add(signature);
            _counts.Add(0);
            index = _signatures.Count - 1;
        }
        _counts[index]++;
        return index;
    }

    /// <summary>The index of the state this signature belongs to, or −1.</summary>
    public int Find(double[] signature)
    {
        for (var i = 0; i < _signatures.Count; i++)
        {
            var s = _signatures[i];
            var same = true;
            for (var k = 0; k < s.Length && same; k++)
                same = Math.Abs(s[k] - signature[k]) <= Tolerance;
            if (same)
                return i;
        }
        return -1;
    }
}
