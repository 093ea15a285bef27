using Orchestrator.Training.Data;
using static TorchSharp.torch;

namespace Orchestrator.Training.Sbi;

/// <summary>
/// slcp_distractors (θ 5, x 100): the 8 slcp values plus 92 uninformative values from a fixed mixture of 20
/// multivariate Student-t (df 2, equal weights), then a fixed column permutation. Mixture and permutation come
/// from the sbibm aux files, so the distractors match sbibm's exactly in distribution.
/// </summary>
public sealed class SlcpDistractors : ISbiTask
{
    /// <summary>Number of distractor dimensions.</summary>
    public const int NoiseDim = 92;

    /// <summary>Number of Student-t mixture components.</summary>
    public const int Components = 20;

    /// <summary>Degrees of freedom of every component.</summary>
    public const double Df = 2.0;

    private static readonly Lazy<SlcpDistractorsAux> s_aux = new(() => SlcpDistractorsAux.Load(DataLocator.Sbibm()));

    public string Name => "slcp_distractors";
    public int ThetaDim => 5;
    public int XDim => 8 + NoiseDim;

    /// <summary>The aux data (component locations, scale factors, permutation).</summary>
    public static SlcpDistractorsAux Aux => s_aux.Value;

    public Tensor SamplePrior(int n, Generator rng) => Priors.UniformBox(n, ThetaDim, -3.0, 3.0, rng);

    public Tensor InPriorSupport(Tensor theta) => Priors.InBox(theta, -3.0, 3.0);

    public Tensor Simulate(Tensor theta, Generator rng)
    {
        Priors.CheckTheta(this, theta);
        var aux = Aux;
        using var scope = NewDisposeScope();
        var n = theta.shape[0];
        var x8 = Slcp.SimulateCore(theta, rng);
        // All draws happen up front in a fixed order, so the result depends only on the generator state.
        var component = randint(0, Components, new long[] { n }, ScalarType.Int64, generator: rng);
        var eps = randn(new long[] { n, NoiseDim }, ScalarType.Float64, generator: rng);
        var chi2 = randn(new long[] { n, (long)Df }, ScalarType.Float64, generator: rng).square().sum(1, keepdim: true);
        var t = eps * (Df / chi2).sqrt();

        var noise = zeros(new long[] { n, NoiseDim }, ScalarType.Float64);
        for (var c = 0; c < Components; c++)
        {
            // Per component: loc_c + L_c t; batching L over samples would need n·92² memory.
            var idx = nonzero(component == c).squeeze(1);
            if (idx.shape[0] == 0)
            {
                continue;
            }
            var tc = t.index_select(0, idx);
            var nc = aux.Loc[c].unsqueeze(0) + matmul(tc, aux.ScaleTril[c].t());
            noise.index_copy_(0, idx, nc);
        }
        return cat(new[] { x8, noise }, 1).index_select(1, aux.Permutation).MoveToOuterDisposeScope();
    }
}

/// <summary>The fixed Student-t mixture and permutation of slcp_distractors, read from the sbibm aux folder.</summary>
public sealed class SlcpDistractorsAux
{
    private SlcpDistractorsAux(Tensor loc, Tensor scaleTril, Tensor permutation)
    {
        // Cached for the process: keep them out of any dispose scope open on first use.
        Loc = loc.DetachFromDisposeScope();
        ScaleTril = scaleTril.DetachFromDisposeScope();
        Permutation = permutation.DetachFromDisposeScope();
    }

    /// <summary>Component locations [20, 92].</summary>
    public Tensor Loc { get; }

    /// <summary>Lower-triangular scale factors [20, 92, 92].</summary>
    public Tensor ScaleTril { get; }

    /// <summary>Output column j takes concat(x8, noise)[Permutation[j]]; int64 [100], 0-based.</summary>
    public Tensor Permutation { get; }

    /// <summary>Reads the three aux files under &lt;root&gt;/aux.</summary>
    public static SlcpDistractorsAux Load(string root)
    {
        var dir = Path.Combine(root, "aux");
        var locCsv = CsvMatrix.Read(Path.Combine(dir, "slcp_distractors_gmm_loc.csv"), hasHeader: false);
        var trilPath = Path.Combine(dir, "slcp_distractors_gmm_scale_tril.csv.gz");
        var trilCsv = CsvMatrix.Read(trilPath, hasHeader: false);
        var permPath = Path.Combine(dir, "slcp_distractors_permutation_idx.csv");
        var permCsv = CsvMatrix.Read(permPath, hasHeader: false);
        const int d = SlcpDistractors.NoiseDim, k = SlcpDistractors.Components;
        if (locCsv.Rows.Length != k || locCsv.Columns != d)
        {
            throw new InvalidDataException($"slcp_distractors_gmm_loc.csv: expected {k}×{d}.");
        }
        if (trilCsv.Rows.Length != k * d || trilCsv.Columns != d)
        {
            throw new InvalidDataException($"{trilPath}: expected {k * d}×{d}.");
        }
        var perm = permCsv.Flatten().Select(v => (long)v).ToArray();
        if (perm.Length != d + 8 || !perm.Order().SequenceEqual(Enumerable.Range(0, d + 8).Select(i => (long)i)))
        {
            throw new InvalidDataException($"{permPath}: expected a permutation of 0..{d + 7}.");
        }
        return new SlcpDistractorsAux(
            tensor(locCsv.Flatten(), new long[] { k, d }, ScalarType.Float64),
            tensor(trilCsv.Flatten(), new long[] { k, d, d }, ScalarType.Float64),
            tensor(perm, ScalarType.Int64));
    }
}
