using Orchestrator.Workloads;

namespace Orchestrator.Training.Workloads;

/// <summary>
/// Tuned values of some of a workload's parameters for one setting (fff-sbi: a task at a budget), with where they come
/// from. <c>train</c> uses them for the parameters its command line does not give.
/// </summary>
/// <param name="Setting">What the recipe is for, e.g. "two_moons at budget 1000".</param>
/// <param name="Parameters">The recipe's values, by the workload's parameter names.</param>
/// <param name="Provenance">One line: how the values were found and what they scored, or that they are not tuned.</param>
public sealed record WorkloadRecipe(string Setting, IReadOnlyDictionary<string, ParamValue> Parameters, string Provenance);
