namespace Orchestrator.Tests.Cluster;

/// <summary>
/// Real silo processes measure detection and requeue in seconds: they run alone, not beside the training tests that
/// would take the machine's two cores from their trial hosts (in the parallel suite no trial reached its checkpoint
/// within 3 minutes).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterProcessCollection
{
    public const string Name = "Real silo processes";
}
