using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;

namespace Orchestrator.Grains.Sweeps;

/// <summary>The sweep's definition: written once at submit (spec and its expansion), never per event.</summary>
[GenerateSerializer, Alias("orchestrator.sweep-definition")]
public sealed class SweepDefinitionState
{
    [Id(0)] public SweepSpec? Spec { get; set; }
    [Id(1)] public string SpecHash { get; set; } = "";
    [Id(2)] public List<TrialSpec> Trials { get; set; } = [];
    [Id(3)] public DateTimeOffset SubmittedAt { get; set; }
    /// <summary>W3C traceparent of the submit's sweep span: every trial attempt's span hangs below it.</summary>
    [Id(4)] public string? TraceParent { get; set; }
}

/// <summary>The sweep's phase, a few bytes rewritten on submit, cancel, resume and completion.</summary>
[GenerateSerializer, Alias("orchestrator.sweep-phase")]
public sealed class SweepPhaseState
{
    [Id(0)] public SweepPhase Phase { get; set; }
}
