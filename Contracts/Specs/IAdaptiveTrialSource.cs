namespace Orchestrator.Contracts.Specs;

/// <summary>
/// A trial source whose next trial depends on the results so far (TPE). A restarted sweep cannot replay it from a count:
/// it hands over every trial that started, with its configuration and, when it completed, its loss.
/// </summary>
public interface IAdaptiveTrialSource : ITrialSource
{
    /// <summary>Positions a fresh source after the trials it produced before (in any order; index order is used).</summary>
    void Restore(IReadOnlyList<StartedTrial> started);
}

/// <summary>A trial that started: its index, its configuration (null when it was not stored) and its loss when it completed,
/// or when <paramref name="StoppedAt"/> is set, the epoch an early-stopping policy stopped it at and its loss there in the
/// scheduler's metric.</summary>
public sealed record StartedTrial(long Index, TrialSpec? Spec, double? Loss, int? StoppedAt = null);
