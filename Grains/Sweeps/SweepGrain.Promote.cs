using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;

namespace Orchestrator.Grains.Sweeps;

/// <summary>
/// <c>resume --promote</c>: trials an early-stopping policy stopped run on to their full budget from the checkpoint of
/// the epoch they were stopped at. A promoted trial is no longer judged by the policy; the promotion is a ledger line
/// ("p,{configHash}"), so a restarted sweep grain keeps it exempt.
/// </summary>
public sealed partial class SweepGrain
{
    private readonly HashSet<string> _promoted = new(StringComparer.Ordinal);

    public async Task<SweepStatus> PromoteAsync(string? trial)
    {
        if (definition.State.Spec is null)
            throw NotFound();
        var stopped = _ledger.WithStatus(TrialStatus.Stopped)
            .Where(t => trial is null || t.ConfigHash.StartsWith(trial, StringComparison.OrdinalIgnoreCase)).ToList();
        if (trial is not null && stopped.Count != 1)
        {
            throw new ArgumentException(stopped.Count == 0
                ? $"Sweep '{Name}' has no stopped trial '{trial}' ({Contracts.Counted.Of(_ledger.Count(TrialStatus.Stopped), "stopped trial")}; 'results --status stopped' lists them)."
                : $"'{trial}' starts {stopped.Count} stopped trials' config hashes of sweep '{Name}'; give more of it.");
        }
        // The exemptions first: a reopened trial must never be judged again, even by a grain restarted in between.
        foreach (var batch in stopped.Chunk(1000))
        {
            await AppendLinesAsync([.. batch.Select(t => PromotedLine.Of(t.ConfigHash))]);
            foreach (var t in batch)
                _promoted.Add(t.ConfigHash);
            await AppendAsync([.. batch.Select(t => new LedgerEntry(t.Index, t.ConfigHash, t.GroupHash, TrialStatus.Pending, t.Attempt))]);
        }
        foreach (var t in stopped)
            _queue.Enqueue(ReopenWork(t));
        var message = $"promoted {Contracts.Counted.Of(stopped.Count, "stopped trial")} to the full budget";
        if (stopped.Count > 0 && phase.State.Phase != SweepPhase.Running)
            await SetPhaseAsync(SweepPhase.Running, message);
        else
            Publish(null, message);
        return Status();
    }
}

/// <summary>A promotion as a ledger line: "p,{configHash}" (trial lines start with a digit, scheduler lines with "s,").</summary>
public static class PromotedLine
{
    private const string Prefix = "p,";

    public static string Of(string configHash) => Prefix + configHash;

    public static bool TryParse(string line, out string configHash)
    {
        configHash = line.StartsWith(Prefix, StringComparison.Ordinal) ? line[Prefix.Length..] : "";
        return configHash.Length > 0;
    }
}
