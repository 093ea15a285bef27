using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows;

/// <summary>Evaluation of a trained generator in chunks, with the evaluation integrator (adaptive for the CNF), no graph.</summary>
public static class GeneratorEvaluation
{
    public const int DefaultChunk = 500;

    /// <summary>Unnormalised NLL per row of x (mean-free, model dtype): [rows].</summary>
    public static Tensor NegativeLogLikelihoods(BoltzmannGenerator model, Tensor x, bool adaptive = true, int chunk = DefaultChunk)
    {
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (long start = 0; start < x.shape[0]; start += chunk)
            parts.Add(model.NegativeLogLikelihood(x[TensorIndex.Slice(start, Math.Min(start + chunk, x.shape[0]))], adaptive));
        var all = cat(parts, 0);
        parts.ForEach(p => p.Dispose());
        return all;
    }

    /// <summary><paramref name="count"/> samples x = g(z) with log|det ∂x/∂z| per row.</summary>
    public static (Tensor X, Tensor LogDetJacobian) Sample(BoltzmannGenerator model, long count, Generator rng, bool adaptive = true, int chunk = DefaultChunk)
    {
        using var _ = no_grad();
        var xs = new List<Tensor>();
        var logDets = new List<Tensor>();
        for (long start = 0; start < count; start += chunk)
        {
            using var z = model.SamplePrior(Math.Min(chunk, count - start), rng);
            var (x, logDet) = model.Generate(z, adaptive);
            xs.Add(x);
            logDets.Add(logDet);
        }
        var result = (cat(xs, 0), cat(logDets, 0));
        xs.Concat(logDets).ToList().ForEach(t => t.Dispose());
        return result;
    }
}
