namespace Orchestrator.Contracts.Storage;

/// <summary>Queries composed from <see cref="IResultStore"/>'s primitives, the same for every implementation.</summary>
public static class ResultStoreExtensions
{
    /// <summary>The result of the highest attempt, or null when no attempt has a result.</summary>
    public static async Task<StoredResult?> GetLatestResultAsync(this IResultStore store, string sweep, string configHash,
        CancellationToken cancellationToken = default)
    {
        var attempts = await store.ListAttemptsAsync(sweep, configHash, cancellationToken);
        if (attempts.Count == 0)
            return null;
        var content = await store.GetResultAsync(sweep, configHash, attempts[^1], cancellationToken);
        return content is null ? null : new StoredResult(attempts[^1], content);
    }
}
