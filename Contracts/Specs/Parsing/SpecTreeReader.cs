namespace Orchestrator.Contracts.Specs;

/// <summary>
/// Walks a <see cref="SpecNode"/> tree into a <see cref="SweepSpec"/>, collecting shape errors (wrong node kind,
/// unknown or duplicate keys, unparsable scalars) with paths and positions. Range and cross-field rules are
/// <see cref="SweepSpecValidator"/>'s; where this reader reports an error it leaves the default in place.
/// </summary>
internal sealed partial class SpecTreeReader
{
    public static readonly string[] TopLevelKeys =
        ["name", "workload", "fixed", "search", "strategy", "seeds", "evaluation", "resources", "limits", "objective", "scheduler", "checkpoints"];

    private const string DimensionForms = "a list of values, or a map like { choice: [a, b] }, { uniform: [low, high] }, "
        + "{ loguniform: [low, high] } or { int: [low, high] }";

    public List<SpecError> Errors { get; } = [];

    /// <summary>Line and column of every node read, by path; validator errors borrow them.</summary>
    public Dictionary<string, (int Line, int Column)> Positions { get; } = new(StringComparer.Ordinal);

    public SweepSpec Read(SpecNode? root)
    {
        var spec = new SweepSpec();
        if (root is null)
        {
            Errors.Add(new SpecError("", "the spec is empty; expected a map with at least name and workload"));
            return spec;
        }
        if (Fields(root, "", TopLevelKeys) is not { } top)
            return spec;
        if (top.TryGetValue("name", out var name))
            spec = spec with { Name = Text(name, "name") ?? "" };
        if (top.TryGetValue("workload", out var workload))
            spec = spec with { Workload = Text(workload, "workload") ?? "" };
        if (top.TryGetValue("fixed", out var fixedNode))
            spec = spec with { Fixed = ReadFixed(fixedNode) };
        if (top.TryGetValue("search", out var search))
            spec = spec with { Search = ReadSearch(search) };
        if (top.TryGetValue("strategy", out var strategy))
            spec = spec with { Strategy = ReadStrategy(strategy) };
        if (top.TryGetValue("seeds", out var seeds))
            spec = spec with { Seeds = ReadSeeds(seeds) };
        if (top.TryGetValue("evaluation", out var evaluation))
            spec = spec with { Evaluation = ReadEvaluation(evaluation, spec.Evaluation) };
        if (top.TryGetValue("resources", out var resources))
            spec = spec with { Resources = ReadResources(resources, spec.Resources) };
        if (top.TryGetValue("limits", out var limits))
            spec = spec with { Limits = ReadLimits(limits) };
        if (top.TryGetValue("objective", out var objective))
            spec = spec with { Objective = ReadObjective(objective) };
        if (top.TryGetValue("scheduler", out var scheduler))
            spec = spec with { Scheduler = ReadScheduler(scheduler) };
        if (top.TryGetValue("checkpoints", out var checkpoints))
            spec = spec with { Checkpoints = Text(checkpoints, "checkpoints") };
        return spec;
    }

    private Dictionary<string, ParamValue> ReadFixed(SpecNode node)
    {
        var result = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
        foreach (var (key, value) in Fields(node, "fixed", null) ?? [])
        {
            if (Value(value, Join("fixed", key)) is { } parameter)
                result[key] = parameter;
        }
        return result;
    }

    private Dictionary<string, SearchDimension> ReadSearch(SpecNode node)
    {
        var result = new Dictionary<string, SearchDimension>(StringComparer.Ordinal);
        foreach (var (key, value) in Fields(node, "search", null) ?? [])
        {
            if (ReadDimension(value, Join("search", key)) is { } dimension)
                result[key] = dimension;
        }
        return result;
    }

    private SearchDimension? ReadDimension(SpecNode node, string path)
    {
        if (node is ListNode list)
            return SearchDimension.ListOf(Values(list, path));
        if (node is not MapNode)
        {
            var hint = node is ScalarNode ? " (to use a single value, put it under fixed)" : "";
            return Fail<SearchDimension>(path, node, $"expected {DimensionForms}, got {node.Describe()}{hint}");
        }
        var fields = Fields(node, path, ["choice", "uniform", "loguniform", "int", "count", "step"]);
        if (fields is null)
            return null;
        var kinds = fields.Keys.Where(k => k is "choice" or "uniform" or "loguniform" or "int").ToList();
        if (kinds.Count != 1)
        {
            var found = kinds.Count == 0 ? "none" : string.Join(" and ", kinds);
            return Fail<SearchDimension>(path, node, $"expected exactly one of choice, uniform, loguniform, int; found {found}");
        }
        var kind = kinds[0];
        var at = Join(path, kind);
        var body = fields[kind];
        SearchDimension? dimension;
        if (kind == "choice")
        {
            dimension = body is ListNode choices
                ? SearchDimension.ChoiceOf(Values(choices, at))
                : Fail<SearchDimension>(at, body, $"expected a list of values, got {body.Describe()}");
        }
        else if (body is ListNode { Items.Count: 2 } bounds)
        {
            var low = Number(bounds.Items[0], $"{at}[0]", "a number");
            var high = Number(bounds.Items[1], $"{at}[1]", "a number");
            dimension = low is null || high is null ? null : kind switch
            {
                "uniform" => SearchDimension.Uniform(low.Value, high.Value),
                "loguniform" => SearchDimension.LogUniform(low.Value, high.Value),
                _ => new SearchDimension { Kind = SearchKind.IntRange, Low = low.Value, High = high.Value },
            };
        }
        else
        {
            dimension = Fail<SearchDimension>(at, body, $"expected [low, high], got {Count(body)}");
        }
        if (fields.TryGetValue("count", out var count))
        {
            if (kind is not ("uniform" or "loguniform"))
                Error(Join(path, "count"), count, "count applies to uniform and loguniform only");
            else if (Integer(count, Join(path, "count"), "an integer ≥ 2") is { } points && dimension is not null)
                dimension = dimension with { Count = (int)Math.Clamp(points, int.MinValue, int.MaxValue) };
        }
        if (fields.TryGetValue("step", out var step))
        {
            if (kind != "int")
                Error(Join(path, "step"), step, "step applies to int ranges only");
            else if (Number(step, Join(path, "step"), "an integer ≥ 1") is { } stride && dimension is not null)
                dimension = dimension with { Step = stride };
        }
        return dimension;
    }

    private List<long> ReadSeeds(SpecNode node)
    {
        if (node is not ListNode list)
            return Fail<List<long>>("seeds", node, $"expected a list of seeds like [1, 2], got {node.Describe()}") ?? [];
        var seeds = new List<long>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (Integer(list.Items[i], $"seeds[{i}]", "an integer ≥ 0") is { } seed)
                seeds.Add(seed);
        }
        return seeds;
    }

    private EvaluationSpec ReadEvaluation(SpecNode node, EvaluationSpec defaults)
    {
        var fields = Fields(node, "evaluation", ["observations", "shards"]);
        if (fields is null)
            return defaults;
        var result = defaults;
        if (fields.TryGetValue("observations", out var observations))
        {
            var numbers = new List<int>();
            if (observations is ListNode list)
            {
                for (var i = 0; i < list.Items.Count; i++)
                {
                    if (Int(list.Items[i], $"evaluation.observations[{i}]", "an observation number from 1 to 10") is { } number)
                        numbers.Add(number);
                }
            }
            else
            {
                Error("evaluation.observations", observations, $"expected a list of observation numbers like [1, 2, 3], got {observations.Describe()}");
            }
            result = result with { Observations = numbers };
        }
        if (fields.TryGetValue("shards", out var shards) && Int(shards, "evaluation.shards", "an integer ≥ 1") is { } count)
            result = result with { Shards = count };
        return result;
    }

    private ResourceSpec ReadResources(SpecNode node, ResourceSpec defaults)
    {
        var fields = Fields(node, "resources", ["device", "pack"]);
        if (fields is null)
            return defaults;
        var result = defaults;
        if (fields.TryGetValue("device", out var device))
        {
            switch (Text(device, "resources.device"))
            {
                case "cpu":
                    result = result with { Device = DeviceKind.Cpu };
                    break;
                case "cuda":
                    result = result with { Device = DeviceKind.Cuda };
                    break;
                case { } other:
                    Error("resources.device", device, $"expected cpu or cuda, got '{other}'");
                    break;
            }
        }
        if (fields.TryGetValue("pack", out var pack) && ReadPack(pack) is { } size)
            result = result with { Pack = size };
        return result;
    }

    // off | auto | N: packs of up to N trials (1 is off).
    private int? ReadPack(SpecNode node)
    {
        var expected = $"off, auto or an integer from 1 to {ResourceSpec.MaxPack}";
        Remember("resources.pack", node);
        switch (node)
        {
            case ScalarNode { Value: { IsIntegral: true } value } when value.AsInt64() is >= 1 and <= ResourceSpec.MaxPack:
                return (int)value.AsInt64();
            case ScalarNode { Value: { Kind: ParamKind.String } text } when text.Text == "auto":
                return ResourceSpec.PackAuto;
            case ScalarNode { Value: { Kind: ParamKind.String } text } when text.Text == "off":
                return ResourceSpec.PackOff;
            // YAML 1.1 reads a bare off as false.
            case ScalarNode { Value: { Kind: ParamKind.Bool } flag } when !flag.Flag:
                return ResourceSpec.PackOff;
            default:
                Error("resources.pack", node, $"expected {expected}, got {node.Describe()}");
                return null;
        }
    }

    private LimitsSpec ReadLimits(SpecNode node)
    {
        var result = new LimitsSpec();
        var fields = Fields(node, "limits", ["maxTrials", "timeBudget"]);
        if (fields is null)
            return result;
        if (fields.TryGetValue("maxTrials", out var maxTrials) && Int(maxTrials, "limits.maxTrials", "an integer ≥ 1") is { } max)
            result = result with { MaxTrials = max };
        if (fields.TryGetValue("timeBudget", out var budget))
        {
            if (budget is ScalarNode { Value.Kind: ParamKind.String } scalar && Durations.TryParse(scalar.Value.Text, out var duration))
                result = result with { TimeBudget = duration };
            else
                Error("limits.timeBudget", budget, $"expected {Durations.Expected}, got {budget.Describe()}");
        }
        return result;
    }

    private static string Count(SpecNode node) => node is ListNode list ? $"a list of {list.Items.Count}" : node.Describe();

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
