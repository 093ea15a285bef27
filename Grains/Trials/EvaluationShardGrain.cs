using Orchestrator.Contracts.Trials;

namespace Orchestrator.Grains.Trials;

/// <summary>One evaluation shard: records its scores once and merges them into its trial.</summary>
public sealed class EvaluationShardGrain(
    [PersistentState("shard", GrainStorageNames.State)] IPersistentState<EvaluationShardState> state) : Grain, IEvaluationShardGrain
{
    public async Task<TrialState> CompleteAsync(IReadOnlyList<ObservationScore> scores)
    {
        var key = this.GetPrimaryKeyString();
        var split = key.LastIndexOf('/');
        var trial = GrainFactory.GetGrain<ITrialGrain>(key[..split]);
        if (state.State.Scores is null)
        {
            state.State.Scores = [.. scores];
            await state.WriteStateAsync();
        }
        // Forwarding is idempotent in the trial, so a retry after a crash between the two writes is safe.
        return await trial.ShardDoneAsync(int.Parse(key[(split + 1)..], System.Globalization.CultureInfo.InvariantCulture), state.State.Scores);
    }

    public Task<IReadOnlyList<ObservationScore>?> GetScoresAsync() => Task.FromResult<IReadOnlyList<ObservationScore>?>(state.State.Scores);
}

/// <summary>Persistent state of an evaluation shard.</summary>
[GenerateSerializer, Alias("orchestrator.shard-state")]
public sealed class EvaluationShardState
{
    [Id(0)] public List<ObservationScore>? Scores { get; set; }
}
