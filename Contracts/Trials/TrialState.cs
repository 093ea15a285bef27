namespace Orchestrator.Contracts.Trials;

/// <summary>Persistent state of one trial.</summary>
[GenerateSerializer, Alias("orchestrator.trial-state")]
public sealed class TrialState
{
    [Id(0)] public TrialStatus Status { get; set; } = TrialStatus.Pending;
    /// <summary>Attempts started so far (1 after the first lease).</summary>
    [Id(1)] public int Attempt { get; set; }
    /// <summary>Last epoch whose checkpoint is in the result store (0: none).</summary>
    [Id(2)] public int CheckpointEpoch { get; set; }
    [Id(3)] public string? Reason { get; set; }
    [Id(4)] public List<ObservationScore> Scores { get; set; } = [];
    [Id(5)] public double ValidationNll { get; set; } = double.NaN;
    /// <summary>Evaluation shards whose scores have been merged.</summary>
    [Id(6)] public List<int> ShardsDone { get; set; } = [];
    [Id(7)] public int Shards { get; set; }
    [Id(8)] public string? Worker { get; set; }
    [Id(9)] public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>Attempts that do not count against MaxAttempts (before a resume, or lost to the infrastructure).</summary>
    [Id(11)] public int AttemptFloor { get; set; }
    /// <summary>When the latest attempt started (reports draw trial durations and worker utilisation from it).</summary>
    [Id(10)] public DateTimeOffset? StartedAt { get; set; }
    /// <summary>The trial's configuration, written with its first start (sweeps materialise nothing per trial before that).</summary>
    [Id(12)] public Specs.TrialSpec? Spec { get; set; }

    public double MeanC2st => Scores.Count == 0 ? double.NaN : Scores.Average(s => s.C2st);
}
