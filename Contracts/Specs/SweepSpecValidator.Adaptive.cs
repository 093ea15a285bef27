namespace Orchestrator.Contracts.Specs;

/// <summary>The rules of the objective, the TPE strategy and the early-stopping scheduler.</summary>
public static partial class SweepSpecValidator
{
    private static void ValidateObjective(SweepSpec spec, WorkloadDescriptor workload, List<SpecError> errors)
    {
        if (spec.Objective is not { } objective)
            return;
        var known = workload.Metrics.Select(m => m.Name).Distinct(StringComparer.Ordinal).ToList();
        if (objective.Metric.Length == 0)
        {
            errors.Add(new SpecError("objective.metric", $"is required: one of {string.Join(", ", known)}"));
        }
        else if (!known.Contains(objective.Metric, StringComparer.Ordinal))
        {
            var hint = Suggestions.Closest(objective.Metric, known) is { } guess ? $" (did you mean '{guess}'?)" : "";
            errors.Add(new SpecError("objective.metric",
                $"unknown metric '{ParameterDefinition.Printable(objective.Metric)}' for workload {workload.Name}{hint}; known metrics: {string.Join(", ", known)}"));
        }
        else if (objective.Direction is { } direction && Objective.Of(spec, workload) is { } resolved)
        {
            var declared = resolved.Metric.Direction;
            if (direction is not ("min" or "max"))
                errors.Add(new SpecError("objective.direction", $"expected min or max, got '{ParameterDefinition.Printable(direction)}'"));
            else if (direction != declared)
                errors.Add(new SpecError("objective.direction",
                    $"{resolved.Name} is {resolved.Metric.GoalText} for {workload.Name}: expected {declared}, got {direction}"));
        }
        if (objective.Fidelity != ObjectiveSpec.Epochs)
            errors.Add(new SpecError("objective.fidelity",
                $"expected {ObjectiveSpec.Epochs} (the fidelity axis workloads report along), got '{ParameterDefinition.Printable(objective.Fidelity)}'"));
    }

    private static void ValidateScheduler(SweepSpec spec, WorkloadDescriptor? workload, List<SpecError> errors)
    {
        if (spec.Scheduler is not { Kind: not SchedulerKind.Fifo } scheduler)
            return;
        void Add(string path, string message) => errors.Add(new SpecError(path, message));
        var kind = scheduler.Kind.ToString().ToLowerInvariant();
        if (scheduler.ReductionFactor < 2)
            Add("scheduler.eta", $"expected an integer ≥ 2, got {scheduler.ReductionFactor}");
        if (scheduler.MinEpochs < 1)
            Add("scheduler.minEpochs", $"expected an integer ≥ 1, got {scheduler.MinEpochs}");
        if (scheduler.GraceEpochs < 1)
            Add("scheduler.graceEpochs", $"expected an integer ≥ 1, got {scheduler.GraceEpochs}");
        if (scheduler.MinSamples < 1)
            Add("scheduler.minSamples", $"expected an integer ≥ 1, got {scheduler.MinSamples}");
        if (scheduler.Brackets < 1)
            Add("scheduler.brackets", $"expected an integer ≥ 1, got {scheduler.Brackets}");
        foreach (var (name, i) in scheduler.GroupBy.Select((n, i) => (n, i)))
        {
            if (!spec.Search.ContainsKey(name))
                Add($"scheduler.groupBy[{i}]", $"'{ParameterDefinition.Printable(name)}' is not searched; expected one of the searched parameters: {string.Join(", ", spec.Search.Keys.Order(StringComparer.Ordinal))}");
            else if (scheduler.GroupBy.Take(i).Contains(name, StringComparer.Ordinal))
                Add($"scheduler.groupBy[{i}]", $"'{name}' is listed twice");
        }
        if (workload is null)
            return;

        if (scheduler.Metric is { } named && workload.FindMetric(named, MetricScope.Epoch) is null)
        {
            var perEpoch = workload.EpochMetrics.Select(m => m.Name).ToList();
            var hint = Suggestions.Closest(named, perEpoch) is { } guess ? $" (did you mean '{guess}'?)" : "";
            Add("scheduler.metric", $"{workload.Name} reports no metric '{ParameterDefinition.Printable(named)}' per epoch{hint}; per-epoch metrics: {string.Join(", ", perEpoch)}");
        }
        else if (scheduler.Metric is null && Objective.Of(spec, workload) is { PerEpoch: false } final)
        {
            var perEpoch = workload.EpochMetrics.Select(m => m.Name).ToList();
            Add(spec.Objective is null ? "scheduler.kind" : "objective.metric",
                $"{kind} compares trials after each epoch, but {workload.Name} reports {final.Name} only when a trial ends; " +
                (perEpoch.Count == 0 ? $"{workload.Name} reports no metric per epoch: use scheduler fifo"
                    : $"set scheduler.metric (or objective.metric) to one it reports per epoch: {string.Join(", ", perEpoch)}"));
        }

        var maxEpochs = MaxEpochs(spec, workload);
        if (maxEpochs is null)
        {
            Add("scheduler.maxEpochs", spec.Search.ContainsKey(EpochsParameter)
                ? "is required when epochs is searched: the full budget every rung counts towards"
                : $"is required: {workload.Name} has no '{EpochsParameter}' parameter to take it from");
            return;
        }
        if (scheduler.MaxEpochs is { } given && TrialEpochs(spec, workload) is { } epochs && given > epochs)
            Add("scheduler.maxEpochs", $"expected at most the {epochs} epochs trials train, got {given}");
        if (scheduler.MinEpochs >= 1 && maxEpochs <= scheduler.MinEpochs)
            Add("scheduler.minEpochs", $"expected fewer than maxEpochs ({maxEpochs}), got {scheduler.MinEpochs}");
        else if (scheduler.Kind == SchedulerKind.Hyperband && scheduler.ReductionFactor >= 2 && scheduler.MinEpochs >= 1
            && Rungs(scheduler.MinEpochs, maxEpochs.Value, scheduler.ReductionFactor) is var rungs && scheduler.Brackets > rungs)
            Add("scheduler.brackets",
                $"expected at most {rungs} brackets for minEpochs {scheduler.MinEpochs}, maxEpochs {maxEpochs}, eta {scheduler.ReductionFactor}, got {scheduler.Brackets}");
    }

    private static void ValidateTpe(SweepSpec spec, List<SpecError> errors)
    {
        if (spec.Strategy.Kind != StrategyKind.Tpe)
            return;
        if (spec.Strategy.Samples < 1)
            errors.Add(new SpecError("strategy.tpe", $"expected an integer ≥ 1 (the number of configurations), got {spec.Strategy.Samples}"));
        else if (spec.Strategy.Startup < 1 || spec.Strategy.Startup > spec.Strategy.Samples)
            errors.Add(new SpecError("strategy.startup",
                $"expected an integer from 1 to the {spec.Strategy.Samples} configurations, got {spec.Strategy.Startup}"));
        if (spec.Search.Count == 0)
            errors.Add(new SpecError("search", "TPE needs at least one searched parameter"));
    }

    /// <summary>The parameter schedulers read a trial's full budget from.</summary>
    public const string EpochsParameter = "epochs";

    /// <summary>The full budget the scheduler counts rungs towards: scheduler.maxEpochs, else the trials' fixed or default epochs.</summary>
    public static int? MaxEpochs(SweepSpec spec, WorkloadDescriptor workload) =>
        spec.Scheduler?.MaxEpochs ?? (spec.Search.ContainsKey(EpochsParameter) ? null : TrialEpochs(spec, workload));

    private static int? TrialEpochs(SweepSpec spec, WorkloadDescriptor workload)
    {
        var value = spec.Fixed.TryGetValue(EpochsParameter, out var fixedValue) ? fixedValue : workload.Find(EpochsParameter)?.Default;
        return value is { IsIntegral: true } && value.AsInt64() is >= 1 and <= int.MaxValue ? (int)value.AsInt64() : null;
    }

    /// <summary>Rungs minEpochs·η^k that lie below maxEpochs (at least one).</summary>
    public static int Rungs(int minEpochs, int maxEpochs, int eta)
    {
        var count = 0;
        for (long milestone = minEpochs; milestone < maxEpochs; milestone *= eta)
            count++;
        return Math.Max(1, count);
    }
}
