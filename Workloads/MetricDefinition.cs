namespace Orchestrator.Workloads;

/// <summary>Whether smaller or larger values of a metric are better.</summary>
public enum MetricGoal
{
    Minimize,
    Maximize,
}

/// <summary>When a metric is reported: after every epoch, or once when the trial ends.</summary>
public enum MetricScope
{
    Epoch,
    Final,
}

/// <summary>
/// One metric a workload reports: its name (the key in epoch events, trial summaries, metrics.jsonl, CSV columns and
/// spec objectives), help, goal and scope. <see cref="Label"/> heads table columns ("C2ST", "val NLL"); it defaults to
/// the name.
/// </summary>
public sealed record MetricDefinition(string Name, string Help, MetricGoal Goal, MetricScope Scope)
{
    private readonly string? _label;

    /// <summary>Column heading in tables, watch lines and reports.</summary>
    public string Label
    {
        get => _label ?? Name;
        init => _label = value;
    }

    /// <summary>"lower is better" / "higher is better", for tables and help.</summary>
    public string GoalText => Goal == MetricGoal.Minimize ? "lower is better" : "higher is better";

    /// <summary>"min" or "max", as specs spell a direction.</summary>
    public string Direction => Goal == MetricGoal.Minimize ? "min" : "max";
}
