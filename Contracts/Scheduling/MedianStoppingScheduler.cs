using System.Globalization;

namespace Orchestrator.Contracts.Scheduling;

/// <summary>
/// Median stopping (Golovin et al. 2017): from the grace period on, a trial stops when its best loss so far is worse than
/// the median of the running means (mean loss over epochs 1 … e) of the other trials that have reached the same epoch
/// e, once at least <c>minSamples</c> of them have.
/// </summary>
public sealed class MedianStoppingScheduler(int graceEpochs, int minSamples) : ITrialScheduler
{
    // Trial → loss by epoch.
    private readonly Dictionary<string, SortedDictionary<int, double>> _curves = new(StringComparer.Ordinal);

    // Running means need every epoch.
    public IReadOnlyList<int>? Milestones => null;

    public SchedulerDecision Report(string trial, int epoch, double loss)
    {
        if (!_curves.TryGetValue(trial, out var curve))
            _curves[trial] = curve = [];
        curve.TryAdd(epoch, loss);
        if (epoch < graceEpochs)
            return SchedulerDecision.Continue;
        var means = _curves.Where(c => c.Key != trial && c.Value.ContainsKey(epoch))
            .Select(c => c.Value.Where(p => p.Key <= epoch).Average(p => p.Value)).Order().ToList();
        if (means.Count < minSamples)
            return SchedulerDecision.Continue;
        var median = means.Count % 2 == 1 ? means[means.Count / 2] : (means[means.Count / 2 - 1] + means[means.Count / 2]) / 2;
        var best = curve.Where(p => p.Key <= epoch).Min(p => p.Value);
        if (best <= median)
            return SchedulerDecision.Continue;
        return SchedulerDecision.StopAt(epoch, string.Create(CultureInfo.InvariantCulture,
            $"median: best {best:G4} by epoch {epoch} is worse than the median {median:G4} of {means.Count} trials' running means"));
    }
}
