using System.Globalization;

namespace Orchestrator.Contracts.Specs;

/// <summary>
/// Which checkpoints a sweep keeps in the store once its trials are done (spec key <c>checkpoints</c>):
/// <c>last</c> (default) each trial's last checkpoint, the one a resume reads; <c>all</c> that one plus a copy of every
/// checkpoint saved during training; <c>best-k</c> the last checkpoints of the k best completed trials by the objective
/// (the others deleted as each trial completes, after its evaluation); <c>none</c> a trial's checkpoint deleted once it
/// completes. Failed, cancelled and stopped trials keep theirs under every policy: a retry or resume continues from it.
/// </summary>
public sealed record CheckpointPolicy(CheckpointKeep Keep, int Best = 0)
{
    /// <summary>Most trials best-k may keep.</summary>
    public const int MaxBest = 100_000;

    public const string Forms = "all, last, best-k (e.g. best-5) or none";

    public static CheckpointPolicy Last { get; } = new(CheckpointKeep.Last);

    /// <summary>The policy a spec's <c>checkpoints</c> value names (null: the default, last); null when the text is not one.</summary>
    public static CheckpointPolicy? Parse(string? text) => text switch
    {
        null or "last" => Last,
        "all" => new(CheckpointKeep.All),
        "none" => new(CheckpointKeep.None),
        _ when text.StartsWith("best-", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k is >= 1 and <= MaxBest
            && text[5..] == k.ToString(CultureInfo.InvariantCulture) => new(CheckpointKeep.Best, k),
        _ => null,
    };

    /// <summary>A spec's policy (its <c>checkpoints</c>, validated at submit; absent: last). A method, not a property of the
    /// spec, so that serialized specs (grain state) carry only the text.</summary>
    public static CheckpointPolicy Of(SweepSpec spec) => Parse(spec.Checkpoints) ?? Last;

    public override string ToString() => Keep == CheckpointKeep.Best ? $"best-{Best}" : Keep.ToString().ToLowerInvariant();
}

/// <summary>See <see cref="CheckpointPolicy"/>.</summary>
public enum CheckpointKeep
{
    Last,
    All,
    Best,
    None,
}
