using Microsoft.Extensions.Logging;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Trials;

namespace Orchestrator.Grains.Sweeps;

/// <summary>The sweep's checkpoint policy (<c>checkpoints:</c> in the spec) applied as trials complete.</summary>
public sealed partial class SweepGrain
{
    private CheckpointKeeper _checkpoints = new(CheckpointPolicy.Last);
    private readonly List<string> _doomedCheckpoints = [];

    private void StartCheckpointPolicy(bool restore)
    {
        _checkpoints = new CheckpointKeeper(CheckpointPolicy.Of(Spec));
        if (restore)
            _checkpoints.Restore(_ledger.WithStatus(TrialStatus.Completed).Select(t => (t.Index, t.ConfigHash, Objective.Loss(t.Objective))));
    }

    /// <summary>A completion stored: the checkpoints the policy lets go are deleted after this turn's writes.</summary>
    private void KeepCheckpoints(PendingWork work, IReadOnlyDictionary<string, double> final) =>
        _doomedCheckpoints.AddRange(_checkpoints.Completed(work.Index, work.ConfigHash, Objective.Loss(ObjectiveOf(final))));

    // Best effort: a checkpoint left behind (storage down, or a crash before this ran) costs only its bytes.
    private async Task DeleteDoomedCheckpointsAsync()
    {
        if (_doomedCheckpoints.Count == 0)
            return;
        var doomed = _doomedCheckpoints.ToList();
        _doomedCheckpoints.Clear();
        try
        {
            await Task.WhenAll(doomed.Select(hash => store.DeleteCheckpointAsync(Name, hash)));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogCheckpointsNotDeleted(e, Name, doomed.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {Sweep}: {Count} checkpoint(s) the policy lets go were not deleted")]
    private partial void LogCheckpointsNotDeleted(Exception exception, string sweep, int count);
}
