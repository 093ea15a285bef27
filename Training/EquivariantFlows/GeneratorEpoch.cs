namespace Orchestrator.Training.EquivariantFlows;

/// <summary>One finished epoch: λ, mean unnormalised NLL and KL (NaN when not computed), loss and wall time.</summary>
public sealed record GeneratorEpoch(int Epoch, double Lambda, double Nll, double Kl, double Loss, double Seconds, int SkippedBatches);
