using System.Text.Json;
using Orchestrator.Contracts.Specs;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Workloads;

namespace Orchestrator.Grains.Sweeps;

/// <summary>Learning curves for reports, reduced next to the result store so a client never reads per-trial metrics.</summary>
public sealed partial class SweepGrain
{
    public async Task<IReadOnlyList<LearningCurve>> GetLearningCurvesAsync(int maxGroups, int maxPoints)
    {
        if (definition.State.Spec is null)
            throw NotFound();
        var groups = _ledger.Groups;
        // Evenly spread over the order groups started in, so every region of a large grid is represented.
        var step = Math.Max(1.0, groups.Count / (double)Math.Max(1, maxGroups));
        var chosen = Enumerable.Range(0, Math.Min(groups.Count, maxGroups)).Select(i => groups[(int)(i * step)]).ToList();
        var curves = await Task.WhenAll(chosen.Select(async g =>
        {
            var seeds = await Task.WhenAll(_ledger.InGroup(g.GroupHash).Select(t => ResolveAsync(t.Index, t.ConfigHash)));
            return await CurveAsync(g.GroupHash, seeds, Math.Max(2, maxPoints));
        }));
        return [.. curves.Where(c => c.Epochs.Count > 0)];
    }

    private async Task<LearningCurve> CurveAsync(string groupHash, IReadOnlyList<TrialSpec> seeds, int maxPoints)
    {
        // epoch → metric → (sum, count) over seeds; within a seed the latest attempt's line wins.
        var sums = new SortedDictionary<int, Dictionary<string, (double Sum, int N)>>();
        foreach (var trial in seeds)
        {
            var latest = new Dictionary<int, (int Attempt, JsonElement Line)>();
            foreach (var line in await store.ReadMetricsAsync(Name, trial.ConfigHash))
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement.Clone();
                var (attempt, epoch) = (root.GetProperty("attempt").GetInt32(), root.GetProperty("epoch").GetInt32());
                if (!latest.TryGetValue(epoch, out var seen) || seen.Attempt <= attempt)
                    latest[epoch] = (attempt, root);
            }
            foreach (var (epoch, (_, line)) in latest)
            {
                var epochSums = sums.TryGetValue(epoch, out var e) ? e : sums[epoch] = new(StringComparer.Ordinal);
                foreach (var metric in Workload.EpochMetrics)
                {
                    if (line.TryGetProperty(metric.Name, out var v) && v.ValueKind == JsonValueKind.Number)
                    {
                        var (sum, n) = epochSums.GetValueOrDefault(metric.Name);
                        epochSums[metric.Name] = (sum + v.GetDouble(), n + 1);
                    }
                }
            }
        }
        var stride = Math.Max(1, (int)Math.Ceiling(sums.Count / (double)maxPoints));
        var kept = sums.Where((_, i) => i % stride == 0 || i == sums.Count - 1).ToList();
        var parameters = seeds[0].Parameters.Where(p => p.Key != WorkloadDescriptor.SeedParameter).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var values = Workload.EpochMetrics.ToDictionary(m => m.Name,
            m => (IReadOnlyList<double>)[.. kept.Select(k => k.Value.TryGetValue(m.Name, out var s) ? s.Sum / s.N : double.NaN)], StringComparer.Ordinal);
        return new LearningCurve(groupHash, parameters, [.. kept.Select(k => k.Key)], values,
            Workload.EpochMetrics.ToDictionary(m => m.Name, m => m.Label, StringComparer.Ordinal));
    }
}
