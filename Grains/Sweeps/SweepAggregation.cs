using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Workloads;

namespace Orchestrator.Grains.Sweeps;

/// <summary>
/// Aggregates trial rows into config groups: the objective's mean ± standard error of the mean over completed seeds,
/// and the mean of every final metric.
/// </summary>
public static class SweepAggregation
{
    public static IReadOnlyList<GroupRow> Groups(IEnumerable<TrialRow> trials) =>
        trials.GroupBy(t => t.GroupHash, StringComparer.Ordinal)
            .Select(g =>
            {
                // A trial counts when it reported its objective.
                var done = g.Where(t => t.Status == TrialStatus.Completed && double.IsFinite(t.Objective)).ToList();
                var objective = done.Select(t => t.Objective).ToList();
                var means = done.SelectMany(t => t.Metrics).Where(m => double.IsFinite(m.Value)).GroupBy(m => m.Key, StringComparer.Ordinal)
                    .ToDictionary(m => m.Key, m => m.Average(v => v.Value), StringComparer.Ordinal);
                var parameters = g.First().Parameters
                    .Where(p => p.Key != WorkloadDescriptor.SeedParameter)
                    .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                return new GroupRow(g.Key, parameters, g.Count(), done.Count, Mean(objective), Sem(objective), means);
            })
            .ToList();

    public static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Average();

    /// <summary>Standard error of the mean (sample standard deviation / √n); NaN with fewer than two values.</summary>
    public static double Sem(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
            return double.NaN;
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return Math.Sqrt(variance / values.Count);
    }
}
