using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Trials;

namespace Orchestrator.Grains.Sweeps;

/// <summary>What a stop policy answers to a trial's intermediate report.</summary>
public enum TrialDecision
{
    Continue,
    /// <summary>End the trial now: the sweep ends its lease (the worker stops at its next heartbeat) and records it stopped.</summary>
    Stop,
}

/// <summary>
/// The sweep grain's one hook for early stopping: every intermediate report of a running trial (epoch, metrics) reaches
/// <see cref="OnReport"/>, whose answer the sweep applies. Policies hold no numerics beyond the reports they were shown
/// (ASHA, Hyperband and median stopping plug in here; <see cref="FifoStopPolicy"/> always continues).
/// </summary>
public interface ITrialStopPolicy
{
    /// <summary>The policy's name, as reasons quote it ("stopped early by asha at epoch 4").</summary>
    string Name { get; }

    TrialDecision OnReport(TrialSpec trial, WorkProgress progress);
}

/// <summary>Runs every trial to its end.</summary>
public sealed class FifoStopPolicy : ITrialStopPolicy
{
    public string Name => "fifo";

    public TrialDecision OnReport(TrialSpec trial, WorkProgress progress) => TrialDecision.Continue;
}

/// <summary>Chooses a sweep's stop policy from its spec (a scheduler field adds its cases here).</summary>
public static class TrialStopPolicies
{
    public static ITrialStopPolicy Create(SweepSpec spec) => spec.Scheduler is { Kind: not SchedulerKind.Fifo }
        ? throw new SpecValidationException([new SpecError("scheduler", "is valid but not plugged into the sweep yet")])
        : new FifoStopPolicy();
}
