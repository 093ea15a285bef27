using Orchestrator.Contracts.Trials;
using Orleans.Storage;

namespace Orchestrator.Tests.Storage;

/// <summary>
/// Trial states stored before metrics were workload-neutral (C2ST per observation, a validation NLL field) still load,
/// with the silo's own grain-state serializer: the old fields are read into the per-observation scores and the metric map.
/// </summary>
public sealed class LegacyTrialStateTests
{
    // Verbatim from a local store written by the previous version (two-moons-beta, one trial; etag line removed).
    private const string StoredBeforeMetricMaps = """
        {"$id":"1","$type":"Orchestrator.Contracts.Trials.TrialState, Orchestrator.Contracts","Status":3,"Attempt":1,"CheckpointEpoch":40,"Scores":{"$type":"System.Collections.Generic.List`1[[Orchestrator.Contracts.Trials.ObservationScore, Orchestrator.Contracts]], System.Private.CoreLib","$values":[{"$id":"2","$type":"Orchestrator.Contracts.Trials.ObservationScore, Orchestrator.Contracts","Observation":1,"C2st":0.5948},{"$id":"3","$type":"Orchestrator.Contracts.Trials.ObservationScore, Orchestrator.Contracts","Observation":2,"C2st":0.53965},{"$id":"4","$type":"Orchestrator.Contracts.Trials.ObservationScore, Orchestrator.Contracts","Observation":3,"C2st":0.7607000000000002},{"$id":"5","$type":"Orchestrator.Contracts.Trials.ObservationScore, Orchestrator.Contracts","Observation":4,"C2st":0.66555},{"$id":"6","$type":"Orchestrator.Contracts.Trials.ObservationScore, Orchestrator.Contracts","Observation":5,"C2st":0.71905}]},"ValidationNll":-3.095392276730169,"ShardsDone":{"$type":"System.Collections.Generic.List`1[[System.Int32, System.Private.CoreLib]], System.Private.CoreLib","$values":[]},"Worker":"local/cpu0","FinishedAt":"2026-11-30T08:37:35.8649523+00:00","StartedAt":"2026-11-30T08:37:06.2691368+00:00","MeanC2st":0.65595}
        """;

    [Fact]
    public void A_trial_state_stored_before_the_metric_map_loads_into_scores_and_metrics()
    {
        var serializer = SiloSerializer();

        var state = serializer.Deserialize<TrialState>(BinaryData.FromString(StoredBeforeMetricMaps))!;

        Assert.Equal(TrialStatus.Completed, state.Status);
        Assert.Equal([1, 2, 3, 4, 5], state.Scores.Select(s => s.Observation));
        Assert.Equal([0.5948, 0.53965, 0.7607000000000002, 0.66555, 0.71905], state.Scores.Select(s => s.Value));
        Assert.Equal(-3.095392276730169, state.Metrics["valNll"]);
        var final = state.FinalMetrics("c2st");
        Assert.Equal(0.65595, final["c2st"], 12); // the old MeanC2st, now the mean of the scores
        Assert.Equal(-3.095392276730169, final["valNll"]);
    }

    [Fact]
    public void A_state_written_now_carries_only_the_new_names_and_reads_back_the_same()
    {
        var serializer = SiloSerializer();
        var state = new TrialState { Status = TrialStatus.Completed, Scores = [new(1, 0.6), new(2, 0.7)] };
        state.Metrics["valNll"] = -1.5;

        var written = serializer.Serialize(state).ToString();
        var read = serializer.Deserialize<TrialState>(BinaryData.FromString(written))!;

        Assert.DoesNotContain("C2st", written, StringComparison.Ordinal);
        Assert.DoesNotContain("ValidationNll", written, StringComparison.Ordinal);
        Assert.Equal(state.Scores, read.Scores);
        Assert.Equal(state.Metrics, read.Metrics);
        Assert.Equal(0.65, read.FinalMetrics("c2st")["c2st"], 12);
    }

    // The serializer an orchestrator silo uses (the one LocalFileGrainStorage and BlobGrainStorage use).
    private static IGrainStorageSerializer SiloSerializer() => StoredSpecRoundTripTests.OrchestratorSerializer();
}
