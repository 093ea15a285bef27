namespace Orchestrator.Training.Optimization;

/// <summary>What one finished epoch reports (the grains stream this).</summary>
/// <param name="Epoch">1-based epoch just finished.</param>
/// <param name="TrainLoss">Mean training loss (β·reconstruction + NLL surrogate) over the epoch's batches.</param>
/// <param name="ValidationNll">Exact negative log-likelihood on the validation set (standardized units).</param>
/// <param name="ValidationReconstruction">Mean ‖θ − g(f(θ))‖² on the validation set.</param>
/// <param name="LearningRate">Learning rate at the end of the epoch.</param>
/// <param name="StepSeconds">Mean wall time of one training step.</param>
/// <param name="SkippedBatches">Batches skipped so far because the loss or gradient was not finite.</param>
public sealed record EpochProgress(
    int Epoch, int Epochs, double TrainLoss, double ValidationNll, double ValidationReconstruction,
    double LearningRate, double StepSeconds, int SkippedBatches);
