namespace Orchestrator.Tests.TrialHost;

/// <summary>The trial host tests start real training processes: one at a time keeps the shared cores usable.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrialHostCollection
{
    public const string Name = "trial host processes";
}
