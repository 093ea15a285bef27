using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Workloads;

namespace Orchestrator.Grains.Sweeps;

/// <summary>Aggregates trial rows into config groups: mean ± standard error of the mean over completed seeds.</summary>
public static class SweepAggregation
{
    public static IReadOnlyList<GroupRow> Groups(IEnumerable<TrialRow> trials) =>
        trials.GroupBy(t => t.GroupHash, StringComparer.Ordinal)
            .Select(g =>
            {
                // A trial counts when it has a score: C2ST, or only an NLL for workloads without observations (ecnf-bg).
                var done = g.Where(t => t.Status == TrialStatus.Completed && (double.IsFinite(t.MeanC2st) || double.IsFinite(t.ValidationNll))).ToList();
                var c2st = done.Select(t => t.MeanC2st).Where(double.IsFinite).ToList();
                var parameters = g.First().Parameters
                    .Where(p => p.Key != WorkloadDescriptor.SeedParameter)
                    .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                return new GroupRow(g.Key, parameters, g.Count(), done.Count, Mean(c2st), Sem(c2st),
                    Mean(done.Select(t => t.ValidationNll).Where(double.IsFinite).ToList()));
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
