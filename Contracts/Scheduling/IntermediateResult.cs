namespace Orchestrator.Contracts.Scheduling;

/// <summary>A trial's objective after <see cref="Epoch"/> finished epochs, as the sweep received it (in objective units).</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.intermediate-result")]
public sealed record IntermediateResult([property: Id(0)] string Trial, [property: Id(1)] int Epoch, [property: Id(2)] double Value);

/// <summary>What a scheduler answers to an intermediate result: continue, or stop with the reason.</summary>
/// <param name="Rung">The rung (epoch milestone) the decision was made at; null when the result reached none.</param>
[GenerateSerializer, Immutable, Alias("orchestrator.scheduler-decision")]
public sealed record SchedulerDecision([property: Id(0)] bool Stop, [property: Id(1)] string? Reason = null, [property: Id(2)] int? Rung = null)
{
    public static SchedulerDecision Continue { get; } = new(false);

    public static SchedulerDecision Promote(int rung, string reason) => new(false, reason, rung);

    public static SchedulerDecision StopAt(int? rung, string reason) => new(true, reason, rung);
}

/// <summary>One decision with the result it answered, for results, watch and reports.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.scheduler-decision-record")]
public sealed record DecisionRecord([property: Id(0)] IntermediateResult Result, [property: Id(1)] SchedulerDecision Decision);
