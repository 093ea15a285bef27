namespace Orchestrator.Training.Evaluation;

/// <summary>Outcome of one cross-validation fold: held-out accuracy, epochs trained and the final training loss.</summary>
public sealed record C2stFoldResult(int Fold, int TrainSize, int TestSize, double Accuracy, int Epochs, double FinalLoss);

/// <summary>Outcome of a classifier two-sample test: the mean held-out accuracy over the folds, and each fold.</summary>
public sealed record C2stResult(double Accuracy, IReadOnlyList<C2stFoldResult> Folds, TimeSpan Elapsed);
