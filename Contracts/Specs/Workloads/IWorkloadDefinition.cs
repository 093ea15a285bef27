namespace Orchestrator.Contracts.Specs;

/// <summary>
/// What a workload accepts: its parameters with types, ranges and defaults, and a check of a parameter map.
/// Register implementations in a <see cref="WorkloadRegistry"/>; specs, validation and expansion need nothing else.
/// </summary>
public interface IWorkloadDefinition
{
    /// <summary>The name specs use in <c>workload:</c>, e.g. "fff-sbi".</summary>
    string Name { get; }

    /// <summary>Every parameter the workload knows (not <c>seed</c>, which every workload has).</summary>
    IReadOnlyList<ParameterDefinition> Parameters { get; }

    /// <summary>
    /// Checks names, types and ranges of the given parameters (any subset of <see cref="Parameters"/>, possibly with
    /// <c>seed</c>). Each error's path is the parameter's name; callers prefix it (<c>fixed.</c>, <c>search.</c>).
    /// </summary>
    IReadOnlyList<SpecError> Validate(IReadOnlyDictionary<string, ParamValue> parameters);
}
