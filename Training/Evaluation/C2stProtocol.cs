namespace Orchestrator.Training.Evaluation;

/// <summary>How the C2ST classifiers are trained.</summary>
public enum C2stProtocol
{
    /// <summary>
    /// Default: sklearn's network, loss, Adam and patience rule, but large minibatches with a scaled learning rate
    /// (<see cref="C2stOptions.FastBatchSize"/>, <see cref="C2stOptions.FastLearningRate"/>), so an epoch is a few
    /// large GEMMs instead of ~40 small ones. Agrees with <see cref="Exact"/> / sklearn within 0.02 in accuracy
    /// on the benchmark cases (see README, "bench c2st").
    /// </summary>
    Fast,

    /// <summary>sklearn's MLPClassifier protocol as sbibm runs it: minibatch min(200, n), lr 1e-3.</summary>
    Exact,
}
