namespace Orchestrator.Contracts.Scheduling;

/// <summary>
/// One policy per partition (e.g. per task and budget, whose objectives do not compare): a trial's id is
/// "{trial}@{partition}", and each partition's policy, created on its first report, sees only its own trials.
/// </summary>
public sealed class PartitionedScheduler(Func<ITrialScheduler> create) : ITrialScheduler
{
    private readonly Dictionary<string, ITrialScheduler> _partitions = new(StringComparer.Ordinal);

    public IReadOnlyList<int>? Milestones { get; } = create().Milestones;

    public SchedulerDecision Report(string trial, int epoch, double loss)
    {
        var at = trial.LastIndexOf('@');
        var partition = at < 0 ? "" : trial[(at + 1)..];
        if (!_partitions.TryGetValue(partition, out var policy))
            _partitions[partition] = policy = create();
        return policy.Report(trial, epoch, loss);
    }

    /// <summary>The id a trial reports under: its own, tagged with its partition when there is one.</summary>
    public static string Id(string trial, string partition) => partition.Length == 0 ? trial : $"{trial}@{partition}";
}
