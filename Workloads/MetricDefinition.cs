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

/// <summary>One metric a workload reports: its name (the key in epoch events and metrics.jsonl), help, goal and scope.</summary>
public sealed record MetricDefinition(string Name, string Help, MetricGoal Goal, MetricScope Scope)
{
    /// <summary>"lower is better" / "higher is better", for tables and help.</summary>
    public string GoalText => Goal == MetricGoal.Minimize ? "lower is better" : "higher is better";
}
