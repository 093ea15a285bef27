using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Evaluation;

/// <summary>
/// Trains one MLP per cross-validation fold, all folds at once, reproducing scikit-learn's MLPClassifier
/// (solver adam, shuffle, batch_size "auto", early_stopping False): per minibatch the loss is the mean log loss
/// plus 0.5·α·Σ‖W‖²/batch, the gradient adds α·W/batch (weights only), and Adam updates with sklearn's
/// step size lr·√(1−β₂ᵗ)/(1−β₁ᵗ) and ε outside the square root. After each epoch a fold's training loss
/// (Σ batch loss·batch size / n) goes through sklearn's patience rule; a fold that stops (or reaches the epoch
/// limit) keeps its final parameters and leaves the batch, so the remaining folds train faster.
/// </summary>
public static class StackedMlpTrainer
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    /// <summary>Final parameters of one fold's network ([1, P]) with its epochs and last training loss.</summary>
    public sealed record FoldModel(Tensor Theta, int Epochs, double FinalLoss);

    /// <summary>
    /// Trains on data [N, d] (float32) and labels [N] (float32, 0 or 1) with one training index set per fold.
    /// The caller owns the returned parameter tensors.
    /// </summary>
    public static IReadOnlyList<FoldModel> Train(Tensor data, Tensor labels, IReadOnlyList<long[]> trainSets, C2stOptions options)
    {
        var dim = (int)data.shape[1];
        var hidden = options.HiddenPerDim * dim;
        var folds = trainSets.Count;
        var device = data.device;

        var init = StackedMlp.GlorotInit(dim, hidden, options.Seed);
        using var initRow = tensor(init, [1, init.Length], device: device);
        using var mlp = new StackedMlp(dim, hidden, initRow.repeat(folds, 1));
        using var maskColumn = mlp.WeightMask.t().contiguous();
        var m = zeros_like(mlp.Theta);
        var v = zeros_like(mlp.Theta);

        var active = Enumerable.Range(0, folds).ToList();
        var results = new FoldModel?[folds];
        var rngs = Enumerable.Range(0, folds).Select(_ => new Random(options.Seed)).ToArray();
        var steps = new int[folds];
        var epochs = new int[folds];
        var bestLoss = Enumerable.Repeat(double.PositiveInfinity, folds).ToArray();
        var noImprovement = new int[folds];
        using var scalars = new ScalarCache(device);
        var layout = new BatchLayout(trainSets, active, options, mlp.WeightMask);
        scalars.Prepare(ScalarsFor(layout));

        try
        {
            while (active.Count > 0)
            {
                var losses = RunEpoch(data, labels, trainSets, active, rngs, steps, layout, mlp, maskColumn, m, v, scalars, options);

                var finished = new List<int>();
                for (var row = 0; row < active.Count; row++)
                {
                    var fold = active[row];
                    var loss = losses[row] / trainSets[fold].Length;
                    epochs[fold]++;
                    // sklearn's _update_no_improvement_count without early stopping.
                    noImprovement[fold] = loss > bestLoss[fold] - options.Tolerance ? noImprovement[fold] + 1 : 0;
                    bestLoss[fold] = Math.Min(bestLoss[fold], loss);
                    if (noImprovement[fold] > options.NoChangeEpochs || epochs[fold] >= options.MaxEpochs)
                    {
                        finished.Add(row);
                        using var final = mlp.Theta.narrow(0, row, 1);
                        results[fold] = new FoldModel(final.clone(), epochs[fold], loss);
                    }
                }
                if (finished.Count == 0)
                    continue;

                var keep = Enumerable.Range(0, active.Count).Where(row => !finished.Contains(row)).ToArray();
                active = [.. keep.Select(row => active[row])];
                if (active.Count == 0)
                    break;
                using var rows = tensor(keep.Select(r => (long)r).ToArray(), device: device);
                mlp.Keep(rows);
                (m, v) = (Select(m, rows), Select(v, rows));
                layout.Dispose();
                layout = new BatchLayout(trainSets, active, options, mlp.WeightMask);
                scalars.Prepare(ScalarsFor(layout));
            }
        }
        finally
        {
            layout.Dispose();
            m.Dispose();
            v.Dispose();
        }
        return [.. results.Select(r => r!)];
    }

    private static double[] RunEpoch(Tensor data, Tensor labels, IReadOnlyList<long[]> trainSets, List<int> active, Random[] rngs,
        int[] steps, BatchLayout layout, StackedMlp mlp, Tensor maskColumn, Tensor m, Tensor v, ScalarCache scalars, C2stOptions options)
    {
        using var scope = NewDisposeScope();
        var f = active.Count;
        var width = layout.Width;
        var dim = data.shape[1];
        var device = data.device;

        // Shuffle each fold's training indices (sklearn shuffles every epoch), padded to a common width.
        var order = new long[f * width];
        for (var row = 0; row < f; row++)
        {
            var indices = (long[])trainSets[active[row]].Clone();
            rngs[active[row]].Shuffle(indices);
            Array.Copy(indices, 0, order, row * width, indices.Length);
        }
        var orderTensor = tensor(order, device: device);
        var xs = data.index_select(0, orderTensor).view(f, width, dim);
        var ys = labels.index_select(0, orderTensor).view(f, width, 1);
        // Logits as each sample was seen (before its step's update), for the epoch's log loss.
        var seen = zeros(f, width, 1, device: device);
        var penaltyBefore = Penalty(mlp, maskColumn);
        var lrScale = new float[f];

        for (var s = 0; s < layout.Steps; s++)
        {
            using var stepScope = NewDisposeScope();
            var start = s * layout.BatchSize;
            var size = Math.Min(layout.BatchSize, width - start);
            var counts = layout.Counts[s];
            var uniform = true;
            for (var row = 0; row < f; row++)
            {
                if (counts[row] != size || steps[active[row]] != steps[active[0]])
                    uniform = false;
                if (counts[row] == 0)
                {
                    lrScale[row] = 0f;
                    continue;
                }
                var t = ++steps[active[row]];
                lrScale[row] = (float)(-options.EffectiveLearningRate * Math.Sqrt(1 - Math.Pow(Beta2, t)) / (1 - Math.Pow(Beta1, t)));
            }

            var x = xs.narrow(1, start, size);
            var y = ys.narrow(1, start, size);
            var (logits, a1, a2) = mlp.Forward(x);
            seen.narrow(1, start, size).copy_(logits);
            var delta = logits.sigmoid().sub_(y);
            if (uniform)
                delta.mul_(scalars.Get(1.0 / size));
            else
                delta.mul_(layout.SampleWeights.narrow(1, start, size));

            var grad = mlp.Backward(x, a1, a2, delta).addcmul_(mlp.Theta, layout.PenaltyGrad[s], scalars.Get(1.0));
            m.lerp_(grad, scalars.Tensor(1 - Beta1));
            v.lerp_(grad.mul_(grad), scalars.Tensor(1 - Beta2));
            var denominator = v.sqrt().add_(scalars.Get(Epsilon), scalars.Get(1.0));
            if (uniform)
            {
                using var stepSize = lrScale[0].ToScalar();
                mlp.Theta.addcdiv_(m, denominator, stepSize);
            }
            else
            {
                mlp.Theta.addcdiv_(m.mul(tensor(lrScale, [f, 1], device: device)), denominator, scalars.Get(1.0));
            }
        }

        // Σ over the epoch's batches of (mean log loss + 0.5·α·Σ‖W‖²/batch)·batch: the log losses of the
        // samples as they were seen, plus 0.5·α·Σ‖W‖² per batch (trapezoid between the epoch's start and end).
        var logLoss = nn.functional.binary_cross_entropy_with_logits(seen, ys, layout.SampleMask, reduction: nn.Reduction.None)
            .sum([1, 2]).to(ScalarType.Float64).cpu().data<double>().ToArray();
        var penaltyAfter = Penalty(mlp, maskColumn);
        var losses = new double[f];
        for (var row = 0; row < f; row++)
            losses[row] = logLoss[row] + 0.5 * options.Alpha * 0.5 * (penaltyBefore[row] + penaltyAfter[row]) * layout.Batches[row];
        return losses;
    }

    private static IEnumerable<double> ScalarsFor(BatchLayout layout) =>
        Enumerable.Range(0, layout.Steps)
            .Select(s => 1.0 / Math.Min(layout.BatchSize, layout.Width - s * layout.BatchSize))
            .Append(1.0)
            .Append(Epsilon);

    private static double[] Penalty(StackedMlp mlp, Tensor maskColumn)
    {
        using var scope = NewDisposeScope();
        // θ·θ rather than square(): square() is pow with a temporary Scalar that the GC may finalise mid-call.
        var theta = mlp.Theta.to(ScalarType.Float64);
        return theta.mul(theta).mm(maskColumn.to(ScalarType.Float64)).cpu().data<double>().ToArray();
    }

    private static Tensor Select(Tensor source, Tensor rows)
    {
        var selected = source.index_select(0, rows);
        source.Dispose();
        return selected;
    }
}
