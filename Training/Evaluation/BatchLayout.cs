using static TorchSharp.torch;

namespace Orchestrator.Training.Evaluation;

/// <summary>
/// How the active folds' shuffled training sets are cut into minibatches, as sklearn's gen_batches does for
/// each fold: batch size min(200, n) and a smaller last batch. Every fold's shuffled indices are padded to a
/// common width; step s takes positions [s·b, (s+1)·b) of every fold, and the per-sample weights (1/batch
/// size, 0 on padding) make each fold's gradient its own batch mean. Holds the per-step penalty
/// coefficients too (one tensor per distinct pattern of batch sizes).
/// </summary>
internal sealed class BatchLayout : IDisposable
{
    private readonly List<Tensor> _owned = [];

    public BatchLayout(IReadOnlyList<long[]> trainSets, IReadOnlyList<int> active, C2stOptions options, Tensor weightMask)
    {
        var device = weightMask.device;
        var sizes = active.Select(fold => trainSets[fold].Length).ToArray();
        var f = sizes.Length;
        Width = sizes.Max();
        BatchSize = Math.Min(options.EffectiveBatchSize, Width);
        Steps = (Width + BatchSize - 1) / BatchSize;

        Counts = new int[Steps][];
        for (var s = 0; s < Steps; s++)
            Counts[s] = [.. sizes.Select(n => Math.Clamp(n - s * BatchSize, 0, BatchSize))];

        var weights = new float[f * Width];
        var mask = new float[f * Width];
        for (var row = 0; row < f; row++)
        {
            for (var i = 0; i < sizes[row]; i++)
            {
                weights[row * Width + i] = 1f / Counts[i / BatchSize][row];
                mask[row * Width + i] = 1f;
            }
        }
        SampleWeights = Own(tensor(weights, [f, Width, 1], device: device));
        SampleMask = Own(tensor(mask, [f, Width, 1], device: device));

        Batches = [.. Enumerable.Range(0, f).Select(row => Counts.Count(c => c[row] > 0))];

        PenaltyGrad = new Tensor[Steps];
        var cache = new Dictionary<string, Tensor>();
        for (var s = 0; s < Steps; s++)
        {
            var key = string.Join(',', Counts[s]);
            if (!cache.TryGetValue(key, out var entry))
            {
                var grad = Counts[s].Select(c => c > 0 ? (float)(options.Alpha / c) : 0f).ToArray();
                using var gradColumn = tensor(grad, [f, 1], device: device);
                entry = Own(gradColumn * weightMask);
                cache[key] = entry;
            }
            PenaltyGrad[s] = entry;
        }
    }

    /// <summary>Common padded width (largest active training set).</summary>
    public int Width { get; }

    public int BatchSize { get; }

    /// <summary>Minibatch steps per epoch.</summary>
    public int Steps { get; }

    /// <summary>Counts[s][row]: samples of the row's fold in step s (0 when that fold has no batch s).</summary>
    public int[][] Counts { get; }

    /// <summary>1/batch size for real samples, 0 for padding: [F, Width, 1].</summary>
    public Tensor SampleWeights { get; }

    /// <summary>1 for real samples, 0 for padding: [F, Width, 1].</summary>
    public Tensor SampleMask { get; }

    /// <summary>Number of minibatches of each active fold per epoch.</summary>
    public int[] Batches { get; }

    /// <summary>Per step, α/batch size on weights, 0 on biases: added as coefficient·θ to the gradient. [F, P].</summary>
    public Tensor[] PenaltyGrad { get; }

    public void Dispose()
    {
        foreach (var t in _owned)
            t.Dispose();
    }

    private Tensor Own(Tensor t)
    {
        _owned.Add(t);
        return t;
    }
}
