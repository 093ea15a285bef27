using Orchestrator.Training.Data;
using static TorchSharp.torch;

namespace Orchestrator.Training.Sbi;

/// <summary>
/// Shared part of bernoulli_glm and bernoulli_glm_raw (θ 10): a GLM neuron y_t ~ Bernoulli(sigmoid((Xθ)_t)) over
/// 100 time steps with the fixed design matrix X (offset column + 9 lagged white-noise stimulus columns).
/// Prior N(0, Σ) given by its precision: offset 0.5, filter FᵀF with F = D·D + diag(sqrt(i/9)) — a
/// smoothness prior penalising second differences.
/// </summary>
public abstract class BernoulliGlmBase : ISbiTask
{
    /// <summary>Time steps of the spike train.</summary>
    public const int Steps = 100;

    // Cached tensors are detached from whatever dispose scope happens to be open on first use.
    private static readonly Lazy<Tensor> s_design =
        new(() => LoadDesignMatrix(DataLocator.Sbibm()).DetachFromDisposeScope());
    private static readonly Lazy<Tensor> s_priorCholesky = new(() =>
    {
        using var covariance = PriorCovariance();
        return linalg.cholesky(covariance).DetachFromDisposeScope();
    });

    public abstract string Name { get; }
    public int ThetaDim => 10;
    public abstract int XDim { get; }

    /// <summary>Design matrix X [100, 10] (float64).</summary>
    public static Tensor DesignMatrix => s_design.Value;

    /// <summary>The prior precision Σ⁻¹ [10, 10].</summary>
    public static Tensor PriorPrecision()
    {
        const int m = 9;
        using var scope = NewDisposeScope();
        var d = eye(m, dtype: ScalarType.Float64) - diag(ones(m - 1, ScalarType.Float64), -1);
        var f = matmul(d, d) + diag((arange(m, ScalarType.Float64) / m).sqrt());
        var precision = zeros(new long[] { m + 1, m + 1 }, ScalarType.Float64);
        precision[0, 0] = tensor(0.5, ScalarType.Float64);
        precision[1.., 1..] = matmul(f.t(), f);
        return precision.MoveToOuterDisposeScope();
    }

    /// <summary>The prior covariance Σ = (Σ⁻¹)⁻¹ [10, 10].</summary>
    public static Tensor PriorCovariance()
    {
        using var p = PriorPrecision();
        return linalg.inv(p);
    }

    public Tensor SamplePrior(int n, Generator rng)
    {
        using var scope = NewDisposeScope();
        var e = randn(new long[] { n, ThetaDim }, ScalarType.Float64, generator: rng);
        return matmul(e, s_priorCholesky.Value.t()).MoveToOuterDisposeScope();
    }

    public Tensor InPriorSupport(Tensor theta) => Priors.AllFinite(theta);

    public Tensor Simulate(Tensor theta, Generator rng)
    {
        Priors.CheckTheta(this, theta);
        using var scope = NewDisposeScope();
        var y = SpikeTrain(theta, rng);
        return Summarise(y).MoveToOuterDisposeScope();
    }

    /// <summary>Binary spike trains [n, 100] (float64 0/1).</summary>
    public static Tensor SpikeTrain(Tensor theta, Generator rng)
    {
        using var scope = NewDisposeScope();
        var p = matmul(theta, DesignMatrix.t()).sigmoid();
        var u = rand(p.shape, ScalarType.Float64, generator: rng);
        return (u < p).to_type(ScalarType.Float64).MoveToOuterDisposeScope();
    }

    /// <summary>Turns spike trains into the task's x.</summary>
    protected abstract Tensor Summarise(Tensor spikes);

    private static Tensor LoadDesignMatrix(string root)
    {
        var path = Path.Combine(root, "aux", "bernoulli_glm_design_matrix.csv");
        var csv = CsvMatrix.Read(path, hasHeader: false);
        if (csv.Rows.Length != Steps || csv.Columns != 10)
        {
            throw new InvalidDataException($"{path}: expected {Steps}×10, got {csv.Rows.Length}×{csv.Columns}.");
        }
        return tensor(csv.Flatten(), new long[] { Steps, 10 }, ScalarType.Float64);
    }
}

/// <summary>bernoulli_glm (θ 10, x 10): sufficient statistics x = Xᵀy (spike count, then 9 spike-triggered sums).</summary>
public sealed class BernoulliGlm : BernoulliGlmBase
{
    public override string Name => "bernoulli_glm";
    public override int XDim => 10;

    protected override Tensor Summarise(Tensor spikes) => matmul(spikes, DesignMatrix);
}

/// <summary>bernoulli_glm_raw (θ 10, x 100): the raw binary spike train; same prior and posterior as bernoulli_glm.</summary>
public sealed class BernoulliGlmRaw : BernoulliGlmBase
{
    public override string Name => "bernoulli_glm_raw";
    public override int XDim => Steps;

    protected override Tensor Summarise(Tensor spikes) => spikes.alias();
}
