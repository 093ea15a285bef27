namespace Orchestrator.Contracts.Specs;

/// <summary>The search strategy, the objective and the early-stopping scheduler of <see cref="SpecTreeReader"/>.</summary>
internal sealed partial class SpecTreeReader
{
    private const string StrategyForms = "grid, { random: N, seed: S } or { tpe: N, seed: S, startup: K }";

    private static readonly string[] SchedulerKinds = ["fifo", "asha", "hyperband", "median"];

    private StrategySpec ReadStrategy(SpecNode node)
    {
        if (node is ScalarNode { Value: { Kind: ParamKind.String } value })
        {
            return value.Text switch
            {
                "grid" => StrategySpec.Grid,
                "random" => Fail<StrategySpec>("strategy", node, "random search needs the number of samples: write { random: N, seed: S }") ?? StrategySpec.Grid,
                "tpe" => Fail<StrategySpec>("strategy", node, "TPE needs the number of configurations: write { tpe: N, seed: S, startup: K }") ?? StrategySpec.Grid,
                _ => Fail<StrategySpec>("strategy", node, $"expected {StrategyForms}, got {node.Describe()}") ?? StrategySpec.Grid,
            };
        }
        if (node is not MapNode)
            return Fail<StrategySpec>("strategy", node, $"expected {StrategyForms}, got {node.Describe()}") ?? StrategySpec.Grid;
        var fields = Fields(node, "strategy", ["random", "tpe", "seed", "startup"]);
        if (fields is null)
            return StrategySpec.Grid;
        var kinds = fields.Keys.Where(k => k is "random" or "tpe").ToList();
        if (kinds.Count != 1)
            return Fail<StrategySpec>("strategy", node, $"expected {StrategyForms}; " +
                (kinds.Count == 0 ? "the number of samples N is missing" : "random and tpe exclude each other")) ?? StrategySpec.Grid;
        var kind = kinds[0];
        var n = (int)Math.Clamp(Integer(fields[kind], $"strategy.{kind}", "an integer ≥ 1") ?? 1, int.MinValue, int.MaxValue);
        var seed = fields.TryGetValue("seed", out var seedNode) ? Integer(seedNode, "strategy.seed", "an integer") ?? 0 : 0;
        if (kind == "random")
        {
            if (fields.TryGetValue("startup", out var stray))
                Error("strategy.startup", stray, "startup applies to tpe only");
            return StrategySpec.Random(n, seed);
        }
        int? startup = fields.TryGetValue("startup", out var startupNode) ? Int(startupNode, "strategy.startup", "an integer ≥ 1") : null;
        return StrategySpec.Tpe(n, seed, startup);
    }

    private ObjectiveSpec? ReadObjective(SpecNode node)
    {
        if (node is ScalarNode { Value: { Kind: ParamKind.String } metric })
            return new ObjectiveSpec { Metric = metric.Text ?? "" };
        var fields = Fields(node, "objective", ["metric", "direction", "fidelity"]);
        if (fields is null)
            return null;
        var objective = new ObjectiveSpec();
        if (fields.TryGetValue("metric", out var name))
            objective = objective with { Metric = Text(name, "objective.metric") ?? "" };
        if (fields.TryGetValue("direction", out var direction))
            objective = objective with { Direction = Text(direction, "objective.direction") };
        if (fields.TryGetValue("fidelity", out var fidelity))
            objective = objective with { Fidelity = Text(fidelity, "objective.fidelity") ?? ObjectiveSpec.Epochs };
        return objective;
    }

    private SchedulerSpec? ReadScheduler(SpecNode node)
    {
        if (node is ScalarNode { Value: { Kind: ParamKind.String } named })
            return Kind(named.Text ?? "", node) is { } only ? new SchedulerSpec { Kind = only } : null;
        var fields = Fields(node, "scheduler", ["kind", "minEpochs", "maxEpochs", "eta", "graceEpochs", "brackets", "minSamples", "groupBy", "metric"]);
        if (fields is null)
            return null;
        var scheduler = new SchedulerSpec();
        if (!fields.TryGetValue("kind", out var kindNode))
            return Fail<SchedulerSpec>("scheduler", node, $"expected scheduler.kind: one of {string.Join(", ", SchedulerKinds)}");
        if (Text(kindNode, "scheduler.kind") is { } text && Kind(text, kindNode) is { } kind)
            scheduler = scheduler with { Kind = kind };
        if (fields.TryGetValue("minEpochs", out var min) && Int(min, "scheduler.minEpochs", "an integer ≥ 1") is { } minEpochs)
            scheduler = scheduler with { MinEpochs = minEpochs };
        if (fields.TryGetValue("maxEpochs", out var max) && Int(max, "scheduler.maxEpochs", "an integer ≥ 2") is { } maxEpochs)
            scheduler = scheduler with { MaxEpochs = maxEpochs };
        if (fields.TryGetValue("eta", out var eta) && Int(eta, "scheduler.eta", "an integer ≥ 2") is { } factor)
            scheduler = scheduler with { ReductionFactor = factor };
        if (fields.TryGetValue("graceEpochs", out var grace) && Int(grace, "scheduler.graceEpochs", "an integer ≥ 1") is { } graceEpochs)
            scheduler = scheduler with { GraceEpochs = graceEpochs };
        if (fields.TryGetValue("brackets", out var brackets) && Int(brackets, "scheduler.brackets", "an integer ≥ 1") is { } count)
            scheduler = scheduler with { Brackets = count };
        if (fields.TryGetValue("minSamples", out var samples) && Int(samples, "scheduler.minSamples", "an integer ≥ 1") is { } minSamples)
            scheduler = scheduler with { MinSamples = minSamples };
        if (fields.TryGetValue("metric", out var metricNode) && Text(metricNode, "scheduler.metric") is { } metric)
            scheduler = scheduler with { Metric = metric };
        if (fields.TryGetValue("groupBy", out var groupBy))
        {
            if (groupBy is ListNode { Items: var names })
                scheduler = scheduler with { GroupBy = [.. names.Select((n, i) => Text(n, $"scheduler.groupBy[{i}]")).OfType<string>()] };
            else
                Error("scheduler.groupBy", groupBy, $"expected a list of searched parameter names, got {groupBy.Describe()}");
        }
        return scheduler;
    }

    private SchedulerKind? Kind(string text, SpecNode node)
    {
        var at = node is ScalarNode && Positions.ContainsKey("scheduler.kind") ? "scheduler.kind" : "scheduler";
        var index = Array.IndexOf(SchedulerKinds, text);
        if (index >= 0)
            return (SchedulerKind)index;
        var hint = Suggestions.Closest(text, SchedulerKinds) is { } guess ? $" (did you mean '{guess}'?)" : "";
        Error(at, node, $"unknown scheduler '{ParameterDefinition.Printable(text)}'{hint}; expected one of {string.Join(", ", SchedulerKinds)}");
        return null;
    }
}
