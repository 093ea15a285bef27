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
    /// <summary>Per-observation scores of the workload's primary metric (merged from evaluation shards).</summary>
    [Id(4)] public List<ObservationScore> Scores { get; set; } = [];
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

    /// <summary>Final metrics the training reported, by the names the workload declares (finite values only).</summary>
    [Id(13)] public Dictionary<string, double> Metrics { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Read-only path for states stored before metrics were workload-neutral: their validation NLL field becomes the
    /// <c>valNll</c> metric. Never written.
    /// </summary>
    public double ValidationNll
    {
        set
        {
            if (double.IsFinite(value))
                Metrics.TryAdd(LegacyValidationNll, value);
        }
    }

    /// <summary>The metric name old states' validation NLL is read into.</summary>
    public const string LegacyValidationNll = "valNll";

    /// <summary>Mean of the per-observation scores; NaN when none.</summary>
    public double ScoreMean => Scores.Count == 0 ? double.NaN : Scores.Average(s => s.Value);

    /// <summary>
    /// The trial's final metrics: what its training reported, with <paramref name="primaryMetric"/> set to the mean of
    /// the per-observation scores when observations were evaluated (shards report scores, not the mean).
    /// </summary>
    public IReadOnlyDictionary<string, double> FinalMetrics(string primaryMetric)
    {
        var metrics = new Dictionary<string, double>(Metrics, StringComparer.Ordinal);
        if (Scores.Count > 0)
            metrics[primaryMetric] = ScoreMean;
        return metrics;
    }
}
