using System.Globalization;
using Orchestrator.Contracts.Trials;

namespace Orchestrator.Contracts.Sweeps;

/// <summary>A workload's metrics as progress lines and result columns label them, from its descriptor (sweeps, watch, <c>train</c>).</summary>
public static class MetricText
{
    /// <summary>Metrics shown in one-line progress: the first two the workload declares (loss and validation NLL for flows).</summary>
    public const int Shown = 2;

    /// <summary>"epoch 3/10 loss 0.123 val NLL 0.456".</summary>
    public static string Epoch(WorkloadDescriptor workload, WorkProgress progress) =>
        $"epoch {progress.Epoch}/{progress.Epochs} {Values(workload.EpochMetrics, progress.Metrics, Shown, " ")}".TrimEnd();

    /// <summary>": C2ST 0.612, val NLL 1.234" for the final metrics reported (declared order), or "" when none.</summary>
    public static string Final(WorkloadDescriptor workload, IReadOnlyDictionary<string, double> metrics)
    {
        var shown = Values(workload.FinalMetrics, metrics, Shown, ", ");
        return shown.Length == 0 ? "" : ": " + shown;
    }

    /// <summary>"loss 0.123 val NLL 0.456": up to <paramref name="count"/> of <paramref name="declared"/> that were reported, labelled.</summary>
    public static string Values(IEnumerable<MetricDefinition> declared, IReadOnlyDictionary<string, double> metrics, int count, string separator,
        string format = "F3") =>
        string.Join(separator, declared.Where(m => metrics.ContainsKey(m.Name)).Take(count)
            .Select(m => $"{m.Label} {metrics[m.Name].ToString(format, CultureInfo.InvariantCulture)}"));

    /// <summary>The training's final metrics with the primary metric set to the mean of the per-observation scores, when any.</summary>
    public static IReadOnlyDictionary<string, double> WithScores(WorkloadDescriptor workload, IReadOnlyDictionary<string, double> metrics,
        IReadOnlyList<ObservationScore> scores)
    {
        var merged = new Dictionary<string, double>(metrics, StringComparer.Ordinal);
        if (scores.Count > 0)
            merged[workload.PrimaryMetric.Name] = scores.Average(s => s.Value);
        return merged;
    }

    /// <summary>The workload's final metrics as result columns, the objective first.</summary>
    public static IReadOnlyList<MetricColumn> Columns(WorkloadDescriptor workload, Specs.Objective objective) =>
        [MetricColumn.Of(objective), .. workload.FinalMetrics.Where(m => m.Name != objective.Name).Select(MetricColumn.Of)];
}
