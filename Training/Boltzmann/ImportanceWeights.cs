using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Boltzmann;

/// <summary>Importance weights of a Boltzmann generator against exp(−U) (spec §3).</summary>
public static class ImportanceWeights
{
    /// <summary>log w = −U(x) − log q(x) per sample (float64).</summary>
    public static Tensor LogWeights(Tensor energy, Tensor logQ) => -energy.to(ScalarType.Float64) - logQ.to(ScalarType.Float64);

    /// <summary>
    /// Relative effective sample size exp(2·logsumexp(log w) − logsumexp(2·log w)) / n, in (0, 1]. Samples whose
    /// weight is not finite (e.g. overlapping particles) count as weight 0.
    /// </summary>
    public static double RelativeEss(Tensor logWeights)
    {
        using var scope = NewDisposeScope();
        var finite = logWeights.isfinite();
        var n = logWeights.shape[0];
        var valid = logWeights.masked_select(finite);
        if (valid.shape[0] == 0)
            return 0;
        var twice = valid + valid;
        var log = 2 * valid.logsumexp(0).ToDouble() - twice.logsumexp(0).ToDouble();
        return Math.Exp(log) / n;
    }
}
