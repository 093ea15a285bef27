namespace Orchestrator.Contracts.Specs;

/// <summary>Creates the <see cref="ITrialSource"/> of a spec's strategy (an adaptive strategy adds its case here).</summary>
public static class TrialSources
{
    /// <summary>Validates the spec against <paramref name="workloads"/>, then returns a source at its first trial.</summary>
    /// <param name="capped">False ignores limits.maxTrials (to count what the cap cuts).</param>
    public static ITrialSource Create(SweepSpec spec, WorkloadRegistry workloads, bool capped = true)
    {
        SweepSpecValidator.EnsureValid(spec, workloads);
        var factory = new TrialFactory(spec, workloads);
        return spec.Strategy.Kind switch
        {
            StrategyKind.Random => new RandomTrialSource(factory, spec.Strategy.Seed, spec.Strategy.Samples, capped),
            StrategyKind.Tpe => new TpeTrialSource(factory, spec.Strategy, capped),
            _ => new GridTrialSource(factory, capped),
        };
    }
}
