namespace Orchestrator.Contracts.Scheduling;

/// <summary>
/// Asynchronous Hyperband: <c>brackets</c> ASHA schedulers whose first rungs are minEpochs·η^s (s = 0 … brackets−1),
/// the most aggressive first; trials are dealt to brackets in the order they first report, in turn.
/// </summary>
public sealed class HyperbandScheduler(int minEpochs, int maxEpochs, int eta, int graceEpochs, int brackets) : ITrialScheduler
{
    private readonly AshaScheduler[] _brackets = [.. Enumerable.Range(0, brackets).Select(s =>
        new AshaScheduler((int)Math.Min(int.MaxValue, minEpochs * (long)Math.Pow(eta, s)), maxEpochs, eta, graceEpochs, $"hyperband bracket {s}"))];
    private readonly Dictionary<string, int> _bracketOf = new(StringComparer.Ordinal);

    public IReadOnlyList<int>? Milestones => [.. _brackets.SelectMany(b => b.Milestones!).Distinct().Order()];

    public SchedulerDecision Report(string trial, int epoch, double loss)
    {
        if (!_bracketOf.TryGetValue(trial, out var bracket))
            _bracketOf[trial] = bracket = _bracketOf.Count % _brackets.Length;
        return _brackets[bracket].Report(trial, epoch, loss);
    }
}
