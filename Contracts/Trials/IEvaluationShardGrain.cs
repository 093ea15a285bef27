namespace Orchestrator.Contracts.Trials;

/// <summary>
/// One evaluation shard of a trained trial (key "{sweep}/{configHash}/{shard}"): a subset of the observations, evaluated
/// by whichever worker is free from the trial's final checkpoint. Records its scores once and hands them to the trial.
/// </summary>
[Alias("orchestrator.evaluation-shard")]
public interface IEvaluationShardGrain : IGrainWithStringKey
{
    /// <summary>Records the shard's scores (first report wins) and merges them into the trial; returns the trial's state.</summary>
    [Alias("complete")] Task<TrialState> CompleteAsync(IReadOnlyList<ObservationScore> scores);

    [Alias("scores")] Task<IReadOnlyList<ObservationScore>?> GetScoresAsync();
}
