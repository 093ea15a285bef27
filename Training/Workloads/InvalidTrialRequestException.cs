namespace Orchestrator.Training.Workloads;

/// <summary>A request the child cannot run as given (unknown workload or parameter, missing checkpoint): not worth a retry.</summary>
public sealed class InvalidTrialRequestException(string message) : Exception(message);
