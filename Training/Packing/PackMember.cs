using Orchestrator.Training.Flows;
using Orchestrator.Training.Optimization;
using static TorchSharp.torch;

namespace Orchestrator.Training.Packing;

/// <summary>Where a member of a pack stands.</summary>
public enum PackMemberStatus
{
    Training,
    Finished,
    /// <summary>Its loss stayed non-finite (diverged): it failed alone; <see cref="PackMember.FailureReason"/> says why.</summary>
    Failed,
    /// <summary>Stopped from outside (early stopping); its weights are those of its last finished step.</summary>
    Stopped,
}

/// <summary>
/// One trial of a pack: its standalone flow (the source of its initial weights, and where its weights go whenever it
/// leaves the pack or checkpoints), a standalone optimizer holding its Adam moments at those moments, its own data,
/// generator, options and one-cycle schedule, and its counters. Everything a standalone <see cref="FlowTrainer"/> run
/// with the same flow, data, options and generator would have, so a member's checkpoint is a standalone checkpoint.
/// </summary>
public sealed class PackMember : IDisposable
{
    private readonly List<EpochProgress> _history = [];

    /// <param name="theta">Training parameters [N, D] (standardized).</param>
    /// <param name="x">Training conditions [N, C] (standardized).</param>
    public PackMember(FreeFormFlow flow, Tensor theta, Tensor x, Tensor valTheta, Tensor valX, TrainingOptions options, Generator rng)
    {
        options.Validate();
        Flow = flow;
        (Theta, X, ValTheta, ValX) = (theta, x, valTheta, valX);
        Options = options;
        Rng = rng;
        Optimizer = new AdamL2(flow.parameters(), options.WeightDecay);
        Schedule = new OneCycleSchedule(options.LearningRate, (long)BatchesPerEpoch * options.Epochs);
    }

    public FreeFormFlow Flow { get; }
    public Tensor Theta { get; }
    public Tensor X { get; }
    public Tensor ValTheta { get; }
    public Tensor ValX { get; }
    public TrainingOptions Options { get; }
    public Generator Rng { get; }
    public OneCycleSchedule Schedule { get; }

    /// <summary>Holds the member's Adam moments when it is out of the pack (checkpoints, resume).</summary>
    public AdamL2 Optimizer { get; }

    public PackMemberStatus Status { get; internal set; } = PackMemberStatus.Training;
    public string? FailureReason { get; private set; }
    public int EpochsDone { get; internal set; }

    /// <summary>Adam updates taken (skipped batches do not count), the position in the one-cycle schedule.</summary>
    public long Updates { get; internal set; }

    public int SkippedBatches { get; internal set; }
    internal int ConsecutiveNonFinite { get; set; }
    public IReadOnlyList<EpochProgress> History => _history;

    public int BatchesPerEpoch => (int)((Theta.shape[0] + Options.BatchSize - 1) / Options.BatchSize);

    /// <summary>Whether the member still has steps to take in a pack.</summary>
    public bool IsTraining => Status == PackMemberStatus.Training && EpochsDone < Options.Epochs;

    // The epoch in progress: its shuffled order, the next batch, the sum of its finite losses and its time.
    internal long[]? Order { get; set; }
    internal int BatchInEpoch { get; set; }
    internal double EpochLossSum { get; set; }
    internal int EpochCounted { get; set; }
    internal double EpochSeconds { get; set; }

    /// <summary>Stops the member at the next step of its pack (early stopping); it keeps the weights it has.</summary>
    public void Stop()
    {
        if (Status == PackMemberStatus.Training)
            Status = PackMemberStatus.Stopped;
    }

    internal void Fail(string reason)
    {
        Status = PackMemberStatus.Failed;
        FailureReason = reason;
    }

    internal void AddEpoch(EpochProgress progress) => _history.Add(progress);

    /// <summary>
    /// Restores a standalone checkpoint (<see cref="TrainerCheckpoint"/>, e.g. of an earlier attempt in a pack or alone)
    /// into this member before it is packed.
    /// </summary>
    public void LoadCheckpoint(Stream stream)
    {
        var state = TrainerCheckpoint.Read(stream, Flow, Optimizer, Rng);
        EpochsDone = state.EpochsDone;
        Updates = state.OptimizerStep;
        SkippedBatches = state.SkippedBatches;
        ConsecutiveNonFinite = state.ConsecutiveNonFinite;
        _history.Clear();
        _history.AddRange(state.History);
        if (EpochsDone >= Options.Epochs)
            Status = PackMemberStatus.Finished;
    }

    /// <summary>Writes a standalone checkpoint of the member as it stands in <see cref="Flow"/> and <see cref="Optimizer"/>.</summary>
    internal void WriteCheckpoint(Stream stream) =>
        TrainerCheckpoint.Write(stream, new TrainerCheckpoint.State(EpochsDone, Updates, SkippedBatches, ConsecutiveNonFinite, _history), Flow, Optimizer, Rng);

    public void Dispose() => Optimizer.Dispose();
}
