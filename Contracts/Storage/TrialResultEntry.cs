namespace Orchestrator.Contracts.Storage;

/// <summary>A trial (by config hash) and the attempts that stored a result, ascending.</summary>
public sealed record TrialResultEntry(string ConfigHash, IReadOnlyList<int> Attempts)
{
    /// <summary>The highest attempt: the one whose result counts.</summary>
    public int LatestAttempt => Attempts[^1];
}
