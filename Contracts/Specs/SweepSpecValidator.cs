using System.Text.RegularExpressions;

namespace Orchestrator.Contracts.Specs;

/// <summary>
/// The rules a sweep spec must meet beyond its shape: names, workload and its parameters, search dimensions,
/// strategy, seeds, evaluation, resources and limits. Every error carries the path of the field it is about.
/// </summary>
public static partial class SweepSpecValidator
{
    /// <summary>Most trials one spec may expand to (before <see cref="LimitsSpec.MaxTrials"/>).</summary>
    public const long MaxPlannedTrials = 1_000_000;

    public const string NameRule = "1 to 64 characters from a-z, 0-9, '-', '_', '.', starting with a letter or digit, without '..'";

    [GeneratedRegex(@"^[a-z0-9][a-z0-9\-_.]{0,63}$")]
    private static partial Regex NamePattern();

    /// <summary>Throws a <see cref="SpecValidationException"/> listing every problem; does nothing for a valid spec.</summary>
    /// <param name="workloads">The known workloads; null checks everything but the workload and its parameters
    /// (a client without the workloads' descriptors: the silo checks those at submit).</param>
    public static void EnsureValid(SweepSpec spec, WorkloadRegistry? workloads)
    {
        var errors = Validate(spec, workloads);
        if (errors.Count > 0)
            throw new SpecValidationException(errors);
    }

    /// <inheritdoc cref="EnsureValid"/>
    public static IReadOnlyList<SpecError> Validate(SweepSpec spec, WorkloadRegistry? workloads)
    {
        var errors = new List<SpecError>();
        void Add(string path, string message) => errors.Add(new SpecError(path, message));

        if (string.IsNullOrEmpty(spec.Name))
            Add("name", $"is required: {NameRule}");
        else if (!NamePattern().IsMatch(spec.Name) || spec.Name.Contains("..", StringComparison.Ordinal))
            Add("name", $"expected {NameRule}, got '{spec.Name}'");

        WorkloadDescriptor? workload = null;
        if (string.IsNullOrEmpty(spec.Workload))
            Add("workload", workloads is null ? "is required" : $"is required: one of {string.Join(", ", workloads.Names)}");
        else if (workloads is not null && !workloads.TryGet(spec.Workload, out workload))
            Add("workload", workloads.UnknownMessage(spec.Workload));

        if (workload is not null)
        {
            ValidateParameters(spec, workload, errors);
            ValidateObjective(spec, workload, errors);
        }
        ValidateStrategy(spec, errors);
        ValidateTpe(spec, errors);
        ValidateScheduler(spec, workload, errors);

        if (spec.Checkpoints is { } checkpoints && CheckpointPolicy.Parse(checkpoints) is null)
            Add("checkpoints", $"expected {CheckpointPolicy.Forms}, got '{checkpoints}'");

        if (spec.Seeds.Count == 0)
            Add("seeds", "expected at least one seed, like [1]");
        for (var i = 0; i < spec.Seeds.Count; i++)
        {
            if (spec.Seeds[i] < 0)
                Add($"seeds[{i}]", $"expected an integer ≥ 0, got {spec.Seeds[i]}");
            else if (spec.Seeds.Take(i).Contains(spec.Seeds[i]))
                Add($"seeds[{i}]", $"duplicate seed {spec.Seeds[i]}");
        }

        var observations = spec.Evaluation.Observations;
        if (observations.Count == 0)
            Add("evaluation.observations", "expected at least one observation number from 1 to 10");
        for (var i = 0; i < observations.Count; i++)
        {
            if (observations[i] is < 1 or > EvaluationSpec.MaxObservation)
                Add($"evaluation.observations[{i}]", $"expected an observation number from 1 to {EvaluationSpec.MaxObservation}, got {observations[i]}");
            else if (observations.Take(i).Contains(observations[i]))
                Add($"evaluation.observations[{i}]", $"duplicate observation {observations[i]}");
        }
        if (spec.Evaluation.Shards < 1)
            Add("evaluation.shards", $"expected an integer ≥ 1, got {spec.Evaluation.Shards}");
        else if (observations.Count > 0 && spec.Evaluation.Shards > observations.Count)
            Add("evaluation.shards", $"expected at most {observations.Count} shards (one per observation), got {spec.Evaluation.Shards}");

        if (!Enum.IsDefined(spec.Resources.Device))
            Add("resources.device", $"expected cpu or cuda, got {spec.Resources.Device}");
        if (spec.Resources.Pack is < ResourceSpec.PackAuto or > ResourceSpec.MaxPack)
            Add("resources.pack", $"expected off, auto or an integer from 1 to {ResourceSpec.MaxPack}, got {spec.Resources.Pack}");
        else if (spec.Resources.Pack != ResourceSpec.PackOff && workload is { Packable: false })
            Add("resources.pack", $"workload {workload.Name} cannot train trials as packs; expected off (packable: " +
                $"{string.Join(", ", workloads!.Names.Where(n => workloads.Get(n).Packable))})");

        if (spec.Limits.MaxTrials is < 1)
            Add("limits.maxTrials", $"expected an integer ≥ 1, got {spec.Limits.MaxTrials}");
        if (spec.Limits.TimeBudget is { } budget && budget <= TimeSpan.Zero)
            Add("limits.timeBudget", $"expected {Durations.Expected} (> 0), got {budget}");

        if (errors.Count == 0 && SweepExpander.PlannedCount(spec) is var planned && planned > MaxPlannedTrials)
            Add(spec.Strategy.Kind == StrategyKind.Grid ? "search" : "strategy.random",
                $"the sweep expands to {planned} trials, more than {MaxPlannedTrials}; narrow the search");
        return errors;
    }

    private static void ValidateStrategy(SweepSpec spec, List<SpecError> errors)
    {
        if (spec.Strategy.Kind == StrategyKind.Random && spec.Strategy.Samples < 1)
            errors.Add(new SpecError("strategy.random", $"expected an integer ≥ 1 (the number of samples), got {spec.Strategy.Samples}"));
        if (spec.Strategy.Kind != StrategyKind.Grid)
            return;
        foreach (var (name, dimension) in spec.Search)
        {
            if (dimension.IsContinuous && dimension.Count is null)
                errors.Add(new SpecError($"search.{name}",
                    $"{dimension.KeyName} is continuous: grid search needs 'count: N' evenly spaced points, or use strategy {{ random: N, seed: S }}"));
        }
    }

    private static void ValidateParameters(SweepSpec spec, WorkloadDescriptor workload, List<SpecError> errors)
    {
        var known = workload.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var (name, value) in spec.Fixed.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (name == WorkloadDescriptor.SeedParameter)
                errors.Add(new SpecError($"fixed.{name}", "seed is reserved: list seeds under 'seeds'"));
            else
                errors.AddRange(Check(workload, name, value, $"fixed.{name}"));
        }
        foreach (var (name, dimension) in spec.Search.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var path = $"search.{name}";
            if (name == WorkloadDescriptor.SeedParameter)
                errors.Add(new SpecError(path, "seed is reserved: list seeds under 'seeds'"));
            else if (!known.TryGetValue(name, out var definition))
                errors.AddRange(Check(workload, name, ParamValue.Of(0L), path));
            else if (spec.Fixed.ContainsKey(name))
                errors.Add(new SpecError(path, $"'{name}' is also under fixed; a parameter is either fixed or searched"));
            else
                SearchDimensionRules.Check(workload, definition, dimension, path, errors);
        }
    }

    /// <summary>The workload's errors for one value, re-pathed from the parameter name to <paramref name="path"/>.</summary>
    internal static IEnumerable<SpecError> Check(WorkloadDescriptor workload, string name, ParamValue value, string path) =>
        workload.Check(name, value) is { } problem ? [new SpecError(path, problem)] : [];
}
