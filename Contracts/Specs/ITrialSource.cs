namespace Orchestrator.Contracts.Specs;

/// <summary>
/// Where a sweep's next trial comes from: its spec seen as an index space (grid position, random-draw number) rather
/// than a materialised list, so nothing exists per trial until it starts. The sweep grain asks <see cref="Next"/> at
/// lease time and persists only how many trials it took (<see cref="Produced"/>); after a restart
/// <see cref="Restore"/> moves a fresh source back to that point without any I/O. Grid and random sources are
/// deterministic: trial i always has the same configuration and config hash. An adaptive source (TPE) draws from the
/// results it was shown through <see cref="Observe"/>; it may answer null while not <see cref="Exhausted"/>.
/// </summary>
public interface ITrialSource
{
    /// <summary>Trials this source produces at most: exact for a grid, draws × seeds for random (both capped by limits.maxTrials).</summary>
    long Planned { get; }

    /// <summary>Trials produced so far: the sweep's cursor, and the <see cref="TrialSpec.Index"/> of the next one.</summary>
    long Produced { get; }

    /// <summary>Repeated configurations skipped so far (config-hash dedup).</summary>
    long DuplicatesSkipped { get; }

    /// <summary>
    /// The trials this source will produce in all, as known now: exact for a grid (its duplicates are already out of
    /// <see cref="Planned"/>) and for TPE (a repeated draw is drawn again); for random draws, the cap less the repeats met
    /// so far. What a sweep's status shows as its total until the source is exhausted.
    /// </summary>
    long Expected { get; }

    /// <summary>True when <see cref="Next"/> will never return another trial.</summary>
    bool Exhausted { get; }

    /// <summary>The next trial, or null when there is none now (always null once <see cref="Exhausted"/>).</summary>
    TrialSpec? Next();

    /// <summary>Positions a fresh source after its first <paramref name="produced"/> trials (replays draws in memory; no I/O).</summary>
    void Restore(long produced);

    /// <summary>The trial with this index when the source can tell without replaying (a grid can); else null.</summary>
    TrialSpec? At(long index);

    /// <summary>A finished trial's objective (lower is better); grid and random ignore it, adaptive sources learn from it.</summary>
    void Observe(TrialSpec trial, double objective);

    /// <summary>A trial an early-stopping policy stopped after <paramref name="epoch"/> epochs with <paramref name="loss"/>
    /// in the scheduler's metric (lower is better; NaN when not finite); adaptive sources rank it below every completed trial.</summary>
    void ObserveStopped(TrialSpec trial, int epoch, double loss);
}
