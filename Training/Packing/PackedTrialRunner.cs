using System.Diagnostics;
using Orchestrator.Training.Devices;
using Orchestrator.Training.Optimization;
using Orchestrator.Training.Sbi;
using Orchestrator.Training.Trials;
using static TorchSharp.torch;

namespace Orchestrator.Training.Packing;

/// <summary>What one member of a pack ends with: its trained trial (evaluate it with <see cref="TrialRunner.Evaluate"/>) or why it failed.</summary>
public sealed record PackedTrialOutcome(TrialConfig Config, TrainedTrial? Trained, string? FailureReason) : IDisposable
{
    public void Dispose() => Trained?.Dispose();
}

/// <summary>
/// <see cref="TrialRunner.Train"/> for a pack of trials trained together (<see cref="PackedFlowTrainer"/>): each member is
/// set up exactly as its standalone trial (initial weights from its seed, its own simulated and z-scored data, its
/// generator), resumes from its own standalone checkpoint, checkpoints on its own epochs, and is judged on its own;
/// a member that diverges fails alone. Members share task, architecture, identity init, batch size, Hutchinson count,
/// device and threads; β, learning rate, weight decay, seed, budget, epochs and evaluation settings are their own.
/// </summary>
public static class PackedTrialRunner
{
    /// <param name="stop">Asked after each epoch of member i: true stops it there (early stopping); it is judged as it stands.</param>
    /// <param name="cancelled">Asked after each epoch of member i, first: true means it was cancelled from outside (its
    /// lease ended after the epochs it reported): this epoch is neither checkpointed nor reported and the member leaves
    /// the pack, keeping its last checkpoint (the caller does not judge it).</param>
    public static IReadOnlyList<PackedTrialOutcome> Train(IReadOnlyList<TrialConfig> configs, Action<int, TrialProgress>? progress = null,
        IReadOnlyList<ICheckpointStore?>? checkpoints = null, int checkpointEvery = 10, Func<int, bool>? stop = null,
        Func<int, bool>? cancelled = null, CancellationToken cancellation = default)
    {
        if (configs.Count == 0)
            throw new ArgumentException("A pack needs at least one trial.");
        if (checkpoints is not null && checkpoints.Count != configs.Count)
            throw new ArgumentException($"{checkpoints.Count} checkpoint stores for {configs.Count} trials.");
        if (checkpointEvery < 1)
            throw new ArgumentException($"checkpointEvery must be ≥ 1 (got {checkpointEvery}).");
        foreach (var config in configs)
        {
            config.Validate();
            SbiDataCheck.Require(config.Task, config.Observations);
            if (config.Task != configs[0].Task || config.Device != configs[0].Device || config.Threads != configs[0].Threads)
                throw new ArgumentException("Members of a pack must share task, device and threads.");
        }
        var task = SbiTasks.Get(configs[0].Task);
        var device = DeviceSelector.Parse(configs[0].Device);
        if (configs[0].Threads > 0)
            set_num_threads(configs[0].Threads);
        // The models outlive this method: build them before the dispose scope that frees the data.
        var flows = configs.Select(c => TrialRunner.CreateFlow(c, task, device)).ToList();
        using var scope = NewDisposeScope();
        var data = configs.Select((c, i) => TrialData.Prepare(c, task, device, p => progress?.Invoke(i, p))).ToList();
        var generators = configs.Select(c => TrialRunner.TrainingGenerator(c, device)).ToList();
        var members = configs.Select((c, i) => new PackMember(flows[i], data[i].Theta[data[i].Train], data[i].X[data[i].Train],
            data[i].Theta[data[i].Validation], data[i].X[data[i].Validation], c.Training, generators[i])).ToList();
        try
        {
            for (var i = 0; i < members.Count; i++)
            {
                if (checkpoints?[i]?.OpenLatest() is not { } stream)
                    continue;
                using (stream)
                    members[i].LoadCheckpoint(stream);
                progress?.Invoke(i, new TrialProgress.Resumed(members[i].EpochsDone));
            }
            var startEpochs = members.Select(m => m.EpochsDone).ToArray();
            // A member's final checkpoint carries the statistics its evaluation shards need (judged once, when saved).
            var finals = new ValidationScores?[members.Count];
            var clock = Stopwatch.StartNew();
            using (var trainer = new PackedFlowTrainer(members))
            {
                trainer.Run((member, epoch) =>
                {
                    var i = members.IndexOf(member);
                    if (cancelled?.Invoke(i) == true)
                    {
                        // Cancelled after the epochs it reported: this one is dropped, so it keeps the checkpoint it was judged on.
                        member.Stop();
                        return;
                    }
                    if (checkpoints?[i] is { } store && (epoch.Epoch % checkpointEvery == 0 || epoch.Epoch == epoch.Epochs))
                    {
                        store.Save(stream =>
                        {
                            trainer.SaveCheckpoint(member, stream); // copies the member's weights out of the pack
                            if (epoch.Epoch == epoch.Epochs)
                                finals[i] = EvaluationStatistics.Append(stream, member.Flow, data[i]);
                        });
                    }
                    progress?.Invoke(i, new TrialProgress.Epoch(epoch));
                    if (stop?.Invoke(i) == true)
                        member.Stop();
                }, cancellation);
            }
            var trainingSeconds = clock.Elapsed.TotalSeconds;
            return members.Select((m, i) => Outcome(configs[i], task, m, data[i], device, trainingSeconds, startEpochs[i], finals[i])).ToList();
        }
        finally
        {
            members.ForEach(m => m.Dispose());
            generators.ForEach(g => g.Dispose());
        }
    }

    // The pack's wall time is every member's training time: they trained side by side.
    private static PackedTrialOutcome Outcome(TrialConfig config, Sbi.ISbiTask task, PackMember member, TrialData data, Device device,
        double trainingSeconds, int startEpoch, ValidationScores? final)
    {
        if (member.Status == PackMemberStatus.Failed)
        {
            member.Flow.Dispose();
            return new PackedTrialOutcome(config, null, member.FailureReason);
        }
        try
        {
            var steps = Math.Max(1, (member.EpochsDone - startEpoch) * member.BatchesPerEpoch);
            var trained = TrialRunner.Finish(config, task, member.Flow, data, device, member.SkippedBatches, trainingSeconds,
                trainingSeconds / steps, member.History.ToList(), final);
            return new PackedTrialOutcome(config, trained, null);
        }
        catch (TrainingFailedException e)
        {
            member.Flow.Dispose();
            return new PackedTrialOutcome(config, null, e.Message);
        }
    }
}
