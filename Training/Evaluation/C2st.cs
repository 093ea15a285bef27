using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Evaluation;

/// <summary>
/// Classifier two-sample test as sbibm computes it (sbibm.metrics.c2st): z-score both samples with the
/// reference's mean and unbiased std, label reference 0 and model 1, and report the mean held-out accuracy of
/// scikit-learn's MLPClassifier (ReLU, two hidden layers of 10·d, Adam) over 5 shuffled folds.
/// 0.5 means indistinguishable, 1.0 fully separable.
/// All folds train at once as one stacked float32 network (see <see cref="StackedMlpTrainer"/>), each with its
/// own early stopping. By default (<see cref="C2stProtocol.Fast"/>) the minibatch is large (4000) with a scaled
/// learning rate, which agrees with sklearn within 0.02 on the benchmark pairs at a fraction of the epochs;
/// <see cref="C2stOptions.Protocol"/> = <see cref="C2stProtocol.Exact"/> follows sklearn's protocol exactly.
/// </summary>
public static class C2st
{
    /// <summary>Mean held-out accuracy of the classifier; inputs are [n, d] float32 or float64 tensors.</summary>
    public static double Score(Tensor reference, Tensor model, C2stOptions? options = null) => Run(reference, model, options).Accuracy;

    /// <summary>Runs the test and returns the mean accuracy with each fold's accuracy, epochs and loss.</summary>
    public static C2stResult Run(Tensor reference, Tensor model, C2stOptions? options = null)
    {
        options ??= new C2stOptions();
        Validate(reference, model, options);
        var clock = Stopwatch.StartNew();
        var threads = torch.get_num_threads();
        torch.set_num_threads(Math.Max(1, options.Threads));
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = NewDisposeScope();
            var device = options.Device ?? CPU;
            var (data, labels) = Prepare(reference, model, options.ZScore, device);
            var split = KFoldSplit.Create((int)data.shape[0], options.Folds, options.Seed);
            var models = StackedMlpTrainer.Train(data, labels, split.Train, options);
            var accuracies = Evaluate(data, labels, split.Test, models, options.HiddenPerDim);
            var folds = Enumerable.Range(0, options.Folds)
                .Select(f => new C2stFoldResult(f, split.Train[f].Length, split.Test[f].Length, accuracies[f], models[f].Epochs, models[f].FinalLoss))
                .ToArray();
            return new C2stResult(folds.Average(f => f.Accuracy), folds, clock.Elapsed);
        }
        finally
        {
            torch.set_num_threads(threads);
        }
    }

    private static void Validate(Tensor reference, Tensor model, C2stOptions options)
    {
        if (reference.dim() != 2 || model.dim() != 2)
            throw new ArgumentException($"C2ST expects [n, d] samples; got {Shape(reference)} and {Shape(model)}.");
        if (reference.shape[1] != model.shape[1])
            throw new ArgumentException($"C2ST samples differ in dimension: {Shape(reference)} vs {Shape(model)}.");
        if (reference.shape[1] < 1)
            throw new ArgumentException("C2ST samples need at least one dimension.");
        if (reference.shape[0] < 2 || reference.shape[0] + model.shape[0] < 2 * options.Folds)
            throw new ArgumentException($"C2ST needs at least 2 reference samples and {2 * options.Folds} samples in all; got {Shape(reference)} and {Shape(model)}.");
        if (options.Folds < 2 || options.MaxEpochs < 1 || options.HiddenPerDim < 1 || options.EffectiveBatchSize < 1)
            throw new ArgumentException("C2ST options need Folds ≥ 2 and MaxEpochs, HiddenPerDim, MaxBatchSize ≥ 1.");
        using var finiteReference = reference.isfinite().all();
        using var finiteModel = model.isfinite().all();
        if (!finiteReference.item<bool>() || !finiteModel.item<bool>())
            throw new ArgumentException("C2ST samples contain NaN or infinite values.");
    }

    private static (Tensor Data, Tensor Labels) Prepare(Tensor reference, Tensor model, bool zScore, Device device)
    {
        var x = reference.to(ScalarType.Float64, CPU);
        var y = model.to(ScalarType.Float64, CPU);
        if (zScore)
        {
            var mean = x.mean([0]);
            var std = x.std(0, unbiased: true);
            using var zero = 0.0.ToScalar(); // owned, not a temporary the GC could finalise mid-call
            if (std.le(zero).any().item<bool>())
                throw new ArgumentException("C2ST cannot z-score: a coordinate of the reference sample is constant.");
            x = (x - mean) / std;
            y = (y - mean) / std;
        }
        var data = cat([x, y], 0).to(ScalarType.Float32, device).contiguous();
        var labels = cat([zeros(x.shape[0], dtype: ScalarType.Float32), ones(y.shape[0], dtype: ScalarType.Float32)], 0).to(device);
        return (data, labels);
    }

    private static double[] Evaluate(Tensor data, Tensor labels, IReadOnlyList<long[]> testSets, IReadOnlyList<StackedMlpTrainer.FoldModel> models, int hiddenPerDim)
    {
        var dim = (int)data.shape[1];
        var folds = testSets.Count;
        var width = testSets.Max(t => t.Length);
        var order = new long[folds * width];
        for (var f = 0; f < folds; f++)
            Array.Copy(testSets[f], 0, order, f * width, testSets[f].Length);
        var orderTensor = tensor(order, device: data.device);
        var x = data.index_select(0, orderTensor).view(folds, width, dim);
        var y = labels.index_select(0, orderTensor).view(folds, width);

        using var mlp = new StackedMlp(dim, hiddenPerDim * dim, cat(models.Select(m => m.Theta).ToArray(), 0));
        var (logits, _, _) = mlp.Forward(x);
        using var zero = 0.0.ToScalar();
        var predicted = logits.squeeze(2).gt(zero).to(ScalarType.Float32);
        var correct = predicted.eq(y).to(ScalarType.Float64).cpu().data<double>().ToArray();
        var accuracies = new double[folds];
        for (var f = 0; f < folds; f++)
        {
            var hits = 0.0;
            for (var i = 0; i < testSets[f].Length; i++)
                hits += correct[f * width + i];
            accuracies[f] = hits / testSets[f].Length;
        }
        return accuracies;
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
