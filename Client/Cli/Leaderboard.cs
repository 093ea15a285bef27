using Orchestrator.Client.Sdk;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Sweeps;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orchestrator.Client.Cli;

/// <summary>
/// The best config groups so far, shown by <c>watch</c> under its progress bars: refreshed when trials completed since
/// the last look, at most every <see cref="MinInterval"/>, so a long sweep does not ask the cluster for every event.
/// </summary>
public sealed class Leaderboard(IOrchestratorClient client, string sweep, int size = 5)
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(5);

    private int _completedSeen;
    private string _objectiveLabel = "objective";
    private DateTimeOffset _lastRefresh = DateTimeOffset.MinValue;

    /// <summary>The best groups at the last refresh, best first, with their searched values as labels.</summary>
    public IReadOnlyList<(string Label, GroupRow Group)> Best { get; private set; } = [];

    /// <summary>Asks the cluster again when more trials completed and the interval passed; true when <see cref="Best"/> changed.</summary>
    public async Task<bool> RefreshAsync(SweepStatus status, CancellationToken cancellation, bool force = false)
    {
        var now = DateTimeOffset.UtcNow;
        if (status.Completed == _completedSeen || (!force && now - _lastRefresh < MinInterval))
            return false;
        (_completedSeen, _lastRefresh) = (status.Completed, now);
        // A bounded page (the sweep keeps its groups ranked): the cost does not grow with the sweep. Best first in the
        // objective's direction, labelled as the workload declares it.
        var page = await client.GetResultsPageAsync(sweep, new ResultsQuery(Limit: 0, Groups: size), cancellation);
        var best = page.Groups.Where(g => g.Completed > 0 && double.IsFinite(g.Mean))
            .OrderBy(g => page.Objective.SortKey(g.Mean)).Take(size)
            .Select(g => (Label(g, page.Searched), g)).ToList();
        var changed = !best.Select(b => (b.Item1, b.g.Mean, b.g.Completed)).SequenceEqual(Best.Select(b => (b.Label, b.Group.Mean, b.Group.Completed)));
        Best = best;
        _objectiveLabel = page.Objective.Label;
        return changed;
    }

    /// <summary>One line for redirected output: "best: beta=25 0.698 ± 0.042 (2/2 seeds) | beta=100 …".</summary>
    public string Line() => "best: " + string.Join(" | ", Best.Select(b => $"{b.Label} {Score(b.Group)} ({b.Group.Completed}/{Counted.Of(b.Group.Seeds, "seed")})"));

    /// <summary>The table under the progress bars.</summary>
    public IRenderable Table()
    {
        var table = new Table().Title("best groups so far").AddColumns("#", "group", "seeds").AddColumn(new TableColumn(Markup.Escape($"{_objectiveLabel} mean ± SEM")).RightAligned());
        for (var i = 0; i < Best.Count; i++)
            table.AddRow((i + 1).ToString(), Markup.Escape(Best[i].Label), $"{Best[i].Group.Completed}/{Best[i].Group.Seeds}", Score(Best[i].Group));
        return table;
    }

    private static string Score(GroupRow g) => double.IsNaN(g.Sem) || g.Completed < 2 ? $"{g.Mean:F3}" : $"{g.Mean:F3} ± {g.Sem:F3}";

    private static string Label(GroupRow g, IReadOnlyList<string> searched) =>
        searched.Count == 0 ? g.GroupHash : string.Join(' ', searched.Where(g.Parameters.ContainsKey).Select(n => $"{n}={g.Parameters[n]}"));
}
