namespace Orchestrator.Training.Optimization;

/// <summary>
/// The one-cycle schedule (Smith; PyTorch's OneCycleLR with cosine annealing), stepped every batch:
/// lr rises from max/25 to max over the first 30% of steps, then anneals to max/(25·10⁴); Adam's β1 moves
/// inversely, 0.95 → 0.85 → 0.95. A pure function of the step, so a resumed run needs no scheduler state.
/// </summary>
public sealed record OneCycleSchedule(double MaxLearningRate, long TotalSteps, double WarmupFraction = 0.3,
    double DivFactor = 25, double FinalDivFactor = 1e4, double BaseMomentum = 0.85, double MaxMomentum = 0.95)
{
    /// <summary>Learning rate and β1 for the given 0-based step.</summary>
    public (double LearningRate, double Beta1) At(long step)
    {
        var initial = MaxLearningRate / DivFactor;
        var final = initial / FinalDivFactor;
        // PyTorch's phase boundaries: warm-up ends at pct·total − 1, annealing at total − 1.
        var warmupEnd = WarmupFraction * TotalSteps - 1;
        var end = TotalSteps - 1.0;
        if (step <= warmupEnd)
        {
            var pct = warmupEnd <= 0 ? 1 : step / warmupEnd;
            return (Cosine(initial, MaxLearningRate, pct), Cosine(MaxMomentum, BaseMomentum, pct));
        }
        var annealPct = end - warmupEnd <= 0 ? 1 : Math.Min(1, (step - warmupEnd) / (end - warmupEnd));
        return (Cosine(MaxLearningRate, final, annealPct), Cosine(BaseMomentum, MaxMomentum, annealPct));
    }

    private static double Cosine(double start, double end, double pct) => end + (start - end) / 2 * (Math.Cos(Math.PI * pct) + 1);
}
