using Orchestrator.Training.Boltzmann;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>Evaluation of a trained generator in chunks, with the evaluation integrator (adaptive for the CNF), no graph.</summary>
public static class GeneratorEvaluation
{
    public const int DefaultChunk = 500;

    /// <summary>Unnormalised NLL per row of x (mean-free, model dtype): [rows].</summary>
    public static Tensor NegativeLogLikelihoods(BoltzmannFlow model, Tensor x, bool adaptive = true, int chunk = DefaultChunk)
    {
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (long start = 0; start < x.shape[0]; start += chunk)
            parts.Add(model.NegativeLogLikelihood(x[TensorIndex.Slice(start, Math.Min(start + chunk, x.shape[0]))], adaptive));
        var all = cat(parts, 0);
        parts.ForEach(p => p.Dispose());
        return all;
    }

    /// <summary><paramref name="count"/> samples x = g(z) with their normalised log density log q(x) = log N(z) − log|det ∂x/∂z|.</summary>
    public static (Tensor X, Tensor LogQ) Sample(BoltzmannFlow model, long count, Generator rng, bool adaptive = true, int chunk = DefaultChunk)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var xs = new List<Tensor>();
        var logQs = new List<Tensor>();
        for (long start = 0; start < count; start += chunk)
        {
            var z = model.SamplePrior(Math.Min(chunk, count - start), rng);
            var (x, logDet) = model.Generate(z, adaptive);
            xs.Add(x);
            logQs.Add(MeanFreeGaussian.LogProb(model.System, z) - logDet);
        }
        return (cat(xs, 0).MoveToOuterDisposeScope(), cat(logQs, 0).MoveToOuterDisposeScope());
    }
}
